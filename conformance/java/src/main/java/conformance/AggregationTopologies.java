package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;
import static conformance.Catalogue.orNull;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/** Stream and table aggregations (count, reduce, aggregate, adder/subtractor), cogroup. */
final class AggregationTopologies {
  private AggregationTopologies() {}

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("stream-group-by-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(STR, INT))
          .groupBy((k, v) -> "g" + (v == null ? "n" : String.valueOf(v % 3)), Grouped.with(STR, INT))
          .count().toStream().to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("stream-reduce-aggregate", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KGroupedStream<String, Integer> grouped = builder.stream("in", Consumed.with(STR, INT)).groupByKey();
      grouped.reduce((a, b) -> a + b).toStream().to("out-reduce", Produced.with(STR, INT));
      grouped.aggregate(() -> 0, (k, v, agg) -> (agg * 3 + orNull(v)) % 1000, Materialized.with(STR, INT)).toStream().to("out-aggregate", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("table-group-by-reduce", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.table("tin", Consumed.with(STR, INT))
          .groupBy((k, v) -> KeyValue.pair("g" + (v % 3), v), Grouped.with(STR, INT))
          .reduce((a, b) -> a + b, (a, b) -> a - b).toStream().to("out", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("table-group-by-count-aggregate", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KTable<String, Integer> table = builder.table("tin", Consumed.with(STR, INT));
      table.groupBy((k, v) -> KeyValue.pair(v % 2 == 0 ? "even" : "odd", v), Grouped.with(STR, INT)).count().toStream().to("out-count", Produced.with(STR, LONG));
      table.groupBy((k, v) -> KeyValue.pair(k.equals("a") ? "a" : "other", v), Grouped.with(STR, INT))
          .aggregate(() -> 0, (k, v, agg) -> agg + v * 10, (k, v, agg) -> agg - v, Materialized.with(STR, INT))
          .toStream().to("out-aggregate", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("cogroup", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KGroupedStream<String, Integer> left = builder.stream("left", Consumed.with(STR, INT)).groupByKey();
      KGroupedStream<String, Integer> right = builder.stream("right", Consumed.with(STR, INT)).groupByKey();
      left.<Integer>cogroup((k, v, agg) -> agg + orNull(v))
          .cogroup(right, (k, v, agg) -> (agg * 2 - orNull(v)) % 1000)
          .aggregate(() -> 0, Materialized.with(STR, INT))
          .toStream().to("out", Produced.with(STR, INT));
      return builder.build();
    });
  }
}
