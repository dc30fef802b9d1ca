package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.STR;
import static conformance.Catalogue.foreignKey;
import static conformance.Catalogue.joined;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;

/** Every join: stream-stream, stream-table, table-table, foreign-key, stream-globalTable. */
final class JoinTopologies {
  private JoinTopologies() {}

  private static final JoinWindows WINDOWS = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(1));

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("join-stream-stream-inner", () -> streamStream("inner"));
    topologies.put("join-stream-stream-left", () -> streamStream("left"));
    topologies.put("join-stream-stream-outer", () -> streamStream("outer"));
    topologies.put("join-stream-table-inner", () -> streamTable(false));
    topologies.put("join-stream-table-left", () -> streamTable(true));
    topologies.put("join-table-table-inner", () -> tableTable("inner"));
    topologies.put("join-table-table-left", () -> tableTable("left"));
    topologies.put("join-table-table-outer", () -> tableTable("outer"));
    topologies.put("join-foreign-key-inner", () -> foreignKeyJoin(false));
    topologies.put("join-foreign-key-left", () -> foreignKeyJoin(true));
    topologies.put("join-stream-global-table", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT));
      GlobalKTable<String, Integer> global = builder.globalTable("gright", Consumed.with(STR, INT));
      left.join(global, (k, v) -> k, Catalogue::joined).to("out-inner", Produced.with(STR, STR));
      left.leftJoin(global, (k, v) -> v == null ? k : k + (v % 2), Catalogue::joined).to("out-left", Produced.with(STR, STR));
      return builder.build();
    });
  }

  private static Topology streamStream(String kind) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT));
    KStream<String, Integer> right = builder.stream("right", Consumed.with(STR, INT));
    StreamJoined<String, Integer, Integer> serdes = StreamJoined.with(STR, INT, INT);
    KStream<String, String> out = switch (kind) {
      case "inner" -> left.join(right, Catalogue::joined, WINDOWS, serdes);
      case "left" -> left.leftJoin(right, Catalogue::joined, WINDOWS, serdes);
      default -> left.outerJoin(right, Catalogue::joined, WINDOWS, serdes);
    };
    out.to("out", Produced.with(STR, STR));
    return builder.build();
  }

  private static Topology streamTable(boolean leftJoin) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT));
    KTable<String, Integer> right = builder.table("tright", Consumed.with(STR, INT));
    (leftJoin ? left.leftJoin(right, Catalogue::joined) : left.join(right, Catalogue::joined)).to("out", Produced.with(STR, STR));
    return builder.build();
  }

  private static Topology tableTable(String kind) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Integer> left = builder.table("tleft", Consumed.with(STR, INT));
    KTable<String, Integer> right = builder.table("tright", Consumed.with(STR, INT));
    KTable<String, String> out = switch (kind) {
      case "inner" -> left.join(right, Catalogue::joined);
      case "left" -> left.leftJoin(right, Catalogue::joined);
      default -> left.outerJoin(right, Catalogue::joined);
    };
    out.toStream().to("out", Produced.with(STR, STR));
    return builder.build();
  }

  private static Topology foreignKeyJoin(boolean leftJoin) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> left = builder.table("tleft", Consumed.with(STR, STR));
    KTable<String, Integer> right = builder.table("tright", Consumed.with(STR, INT));
    KTable<String, String> out = leftJoin
        ? left.leftJoin(right, Catalogue::foreignKey, Catalogue::joined)
        : left.join(right, Catalogue::foreignKey, Catalogue::joined);
    out.toStream().to("out", Produced.with(STR, STR));
    return builder.build();
  }
}
