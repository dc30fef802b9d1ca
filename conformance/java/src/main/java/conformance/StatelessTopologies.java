package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/** filter, peek, map, mapValues, flatMap, selectKey, split, merge, repartition. */
final class StatelessTopologies {
  private StatelessTopologies() {}

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("stateless-filter-map-values", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> in = builder.stream("in", Consumed.with(STR, INT));
      in.filter((k, v) -> v != null && v % 2 == 0).peek((k, v) -> { }).mapValues(v -> v * 10).to("out", Produced.with(STR, INT));
      in.filterNot((k, v) -> v != null && v > 4).to("out-not", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("stateless-map-select-key", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> in = builder.stream("in", Consumed.with(STR, INT));
      in.map((k, v) -> KeyValue.pair(k == null ? "none" : k + (v == null ? "-" : String.valueOf(v % 3)), v)).to("out-map", Produced.with(STR, INT));
      in.selectKey((k, v) -> v == null ? null : "s" + (v % 2)).to("out-select", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("stateless-flat-map", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> in = builder.stream("in", Consumed.with(STR, INT));
      in.flatMap((k, v) -> {
        List<KeyValue<String, Integer>> out = new ArrayList<>();
        if (v != null) for (int i = 0; i < v % 3; i++) out.add(KeyValue.pair(k + i, v + i));
        return out;
      }).to("out-flat", Produced.with(STR, INT));
      in.flatMapValues(v -> v == null ? List.<Integer>of() : List.of(v, -v)).to("out-flat-values", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("stateless-split-merge", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> in = builder.stream("in", Consumed.with(STR, INT));
      Map<String, KStream<String, Integer>> branches = in.split(Named.as("split-"))
          .branch((k, v) -> v != null && v < 3)
          .branch((k, v) -> v != null && v < 7)
          .defaultBranch();
      branches.get("split-1").to("out-low", Produced.with(STR, INT));
      branches.get("split-2").mapValues(v -> v + 100).merge(branches.get("split-0")).to("out-merged", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("repartition", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> in = builder.stream("in", Consumed.with(STR, INT));
      in.repartition(Repartitioned.with(STR, INT)).mapValues(v -> v == null ? null : v + 1).to("out", Produced.with(STR, INT));
      in.selectKey((k, v) -> v == null ? "n" : "r" + (v % 2)).groupByKey().count().toStream().to("out-count", Produced.with(STR, LONG));
      return builder.build();
    });
  }
}
