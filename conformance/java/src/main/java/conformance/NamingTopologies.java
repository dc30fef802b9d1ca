package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.state.KeyValueStore;

/** User-given names, materialized joins, a join after a key change, a session suppression, two sources merged. */
final class NamingTopologies {
  private NamingTopologies() {}

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("named-operations", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT).withName("read-in"))
          .filter((k, v) -> v != null, Named.as("non-null"))
          .groupBy((k, v) -> "m" + (v % 3), Grouped.<String, Integer>as("by-mod").withKeySerde(STR).withValueSerde(INT))
          .count(Named.as("counter"), Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts"))
          .toStream(Named.as("counts-out"))
          .to("out", Produced.with(STR, LONG).withName("write-out"));
      return builder.build();
    });
    topologies.put("join-stream-table-after-key-change", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KTable<String, Integer> table = builder.table("tright", Consumed.with(STR, INT));
      builder.stream("left", Consumed.with(STR, INT))
          .selectKey((k, v) -> v == null ? k : String.valueOf((char) ('a' + v % 4)))
          .join(table, Catalogue::joined)
          .to("out", Produced.with(STR, STR));
      return builder.build();
    });
    topologies.put("join-table-table-materialized", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KTable<String, Integer> left = builder.table("tleft", Consumed.with(STR, INT));
      KTable<String, Integer> right = builder.table("tright", Consumed.with(STR, INT));
      left.leftJoin(right, (l, r) -> l * 10 + (r == null ? 0 : r), Materialized.with(STR, INT))
          .filter((k, v) -> v % 2 == 0)
          .toStream().to("out", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("window-session-suppress", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT)).groupByKey()
          .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(4), Duration.ofSeconds(1)))
          .count().suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
          .toStream().map((wk, v) -> KeyValue.pair(wk.key() + "@" + wk.window().start() + "-" + wk.window().end(), v))
          .to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("merge-two-sources", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT));
      KStream<String, Integer> right = builder.stream("right", Consumed.with(STR, INT));
      left.mapValues(v -> v == null ? null : v + 1000).merge(right).to("out", Produced.with(STR, INT));
      return builder.build();
    });
  }
}
