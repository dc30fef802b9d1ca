package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The Processor API: a store and a punctuation on stream time, in a Topology and in the DSL;
 * processValues (no repartition before the count after it), by a generated name and by a given one.
 */
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

  /**
   * A fixed-key processor: sums values per key in the store "sums" and forwards each sum a
   * millisecond after its record; a null value deletes the key and is forwarded as it came; a null
   * key is dropped. Every 3 s of stream time it forwards, in the store's key order, each key's
   * latest record with its sum, stamped with the punctuation's time.
   */
  static final class ValueSummer implements FixedKeyProcessor<String, Integer, Integer> {
    private final Map<String, FixedKeyRecord<String, Integer>> latest = new HashMap<>();
    private FixedKeyProcessorContext<String, Integer> context;
    private KeyValueStore<String, Integer> store;

    @Override
    public void init(FixedKeyProcessorContext<String, Integer> context) {
      this.context = context;
      this.store = context.getStateStore("sums");
      context.schedule(Duration.ofSeconds(3), PunctuationType.STREAM_TIME, time -> {
        try (KeyValueIterator<String, Integer> all = store.all()) {
          while (all.hasNext()) {
            KeyValue<String, Integer> entry = all.next();
            context.forward(latest.get(entry.key).withValue(entry.value).withTimestamp(time));
          }
        }
      });
    }

    @Override
    public void process(FixedKeyRecord<String, Integer> record) {
      if (record.key() == null) return;
      latest.put(record.key(), record);
      if (record.value() == null) {
        store.delete(record.key());
        context.forward(record);
        return;
      }
      Integer sum = store.get(record.key());
      int next = (sum == null ? 0 : sum) + record.value();
      store.put(record.key(), next);
      context.forward(record.withValue(next).withTimestamp(record.timestamp() + 1));
    }
  }

  /** A fixed-key processor that forwards a 0 to every child, a null or a value under 5 to "small", the rest to "large". */
  static final class Router implements FixedKeyProcessor<String, Integer, Integer> {
    private FixedKeyProcessorContext<String, Integer> context;

    @Override
    public void init(FixedKeyProcessorContext<String, Integer> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Integer> record) {
      if (record.value() != null && record.value() == 0) context.forward(record);
      else context.forward(record, record.value() == null || record.value() < 5 ? "small" : "large");
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
    topologies.put("processor-dsl-process-values", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("sums"), STR, INT));
      KStream<String, Integer> summed = builder.stream("in", Consumed.with(STR, INT)).processValues(ValueSummer::new, "sums");
      summed.to("summed", Produced.with(STR, INT));
      summed.groupByKey(Grouped.with(STR, INT)).count().toStream().to("out", Produced.with(STR, LONG));
      return builder.build();
    });
    topologies.put("processor-dsl-process-values-named", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      KStream<String, Integer> routed = builder.stream("in", Consumed.with(STR, INT)).processValues(Router::new, Named.as("router"));
      routed.filter((k, v) -> true, Named.as("small")).to("small", Produced.with(STR, INT));
      routed
          .filter((k, v) -> true, Named.as("large"))
          .groupByKey(Grouped.with(STR, INT))
          .count()
          .toStream()
          .to("out", Produced.with(STR, LONG));
      return builder.build();
    });
  }
}
