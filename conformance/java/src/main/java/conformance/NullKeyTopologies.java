package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;

/** Records with null keys where Kafka Streams drops them (or, since KIP-962, joins them with null). */
final class NullKeyTopologies {
  private NullKeyTopologies() {}

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("null-key-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT)).groupByKey().count().toStream().to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("null-key-windowed-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT)).groupByKey()
          .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2))).count()
          .toStream().map((wk, v) -> KeyValue.pair(wk.key() + "@" + wk.window().start() + "-" + wk.window().end(), v))
          .to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("null-key-group-by-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT))
          .groupBy((k, v) -> v == null || v % 4 == 0 ? null : "g" + (v % 3), Grouped.with(STR, INT))
          .count().toStream().to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("null-key-repartition", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT)).repartition(Repartitioned.with(STR, INT)).to("out", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("null-key-stream-stream-left", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT));
      KStream<String, Integer> right = builder.stream("right", Consumed.with(STR, INT));
      left.leftJoin(right, Catalogue::joined, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(1)), StreamJoined.with(STR, INT, INT))
          .to("out", Produced.with(STR, STR));
      return builder.build();
    });
  }
}
