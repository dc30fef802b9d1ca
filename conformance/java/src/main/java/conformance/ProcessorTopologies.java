package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.STR;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The Processor API: a store and a punctuation on stream time, in a Topology and in the DSL. */
final class ProcessorTopologies {
  private ProcessorTopologies() {}

  /**
   * Sums values per key (a null value deletes the key) and, every 3 s of stream time, forwards
   * each key's sum stamped with the punctuation's time, in the store's key order.
   */
  static final class SumPunctuator implements Processor<String, Integer, String, Integer> {
    private ProcessorContext<String, Integer> context;
    private KeyValueStore<String, Integer> store;

    @Override
    public void init(ProcessorContext<String, Integer> context) {
      this.context = context;
      this.store = context.getStateStore("sums");
      context.schedule(Duration.ofSeconds(3), PunctuationType.STREAM_TIME, time -> {
        try (KeyValueIterator<String, Integer> all = store.all()) {
          while (all.hasNext()) {
            KeyValue<String, Integer> entry = all.next();
            context.forward(new Record<>(entry.key, entry.value, time));
          }
        }
      });
    }

    @Override
    public void process(Record<String, Integer> record) {
      if (record.key() == null) return;
      if (record.value() == null) {
        store.delete(record.key());
        return;
      }
      Integer sum = store.get(record.key());
      store.put(record.key(), (sum == null ? 0 : sum) + record.value());
      if (record.value() == 0) context.forward(record.withValue(-1));
    }
  }

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("processor-punctuation", () -> {
      Topology topology = new Topology();
      topology.addSource("source", STR.deserializer(), INT.deserializer(), "in");
      topology.addProcessor("summer", SumPunctuator::new, "source");
      topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("sums"), STR, INT), "summer");
      topology.addSink("sink", "out", STR.serializer(), INT.serializer(), "summer");
      return topology;
    });
    topologies.put("processor-dsl-process", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("sums"), STR, INT));
      builder.stream("in", Consumed.with(STR, INT)).process(SumPunctuator::new, "sums").to("out", Produced.with(STR, INT));
      return builder.build();
    });
  }
}
