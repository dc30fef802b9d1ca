package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.STR;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/** toTable, KTable filter/filterNot/mapValues, materialized or not. */
final class TableTopologies {
  private TableTopologies() {}

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("stream-to-table", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KTable<String, Integer> table = builder.stream("in", Consumed.with(STR, INT)).toTable();
      table.toStream().to("out", Produced.with(STR, INT));
      table.filter((k, v) -> v % 2 == 1).toStream().to("out-odd", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("table-filter-map-values", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.table("tin", Consumed.with(STR, INT)).filter((k, v) -> v % 2 == 0).mapValues(v -> v * 3).toStream().to("out", Produced.with(STR, INT));
      return builder.build();
    });
    topologies.put("table-filter-materialized", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KTable<String, Integer> table = builder.table("tin", Consumed.with(STR, INT), Materialized.<String, Integer, KeyValueStore<Bytes, byte[]>>as("tin-store"));
      table.filterNot((k, v) -> v > 6, Materialized.<String, Integer, KeyValueStore<Bytes, byte[]>>as("small-store"))
          .mapValues(v -> v + 1)
          .toStream().to("out", Produced.with(STR, INT));
      return builder.build();
    });
  }
}
