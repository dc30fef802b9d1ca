import {
  NO_HEADERS,
  Stores,
  StreamsBuilder,
  Topology,
  type FixedKeyProcessor,
  type FixedKeyProcessorContext,
  type FixedKeyRecord,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, long, str } from './serdes.ts';

type Int = number | null;

/**
 * Sums values per key (a null value deletes the key) and, every 3 s of stream time, forwards
 * each key's sum stamped with the punctuation's time, in the store's key order. A 0 is also
 * forwarded at once, as -1.
 */
class SumPunctuator implements Processor<string | null, Int, string, number> {
  private context!: ProcessorContext<string, number>;
  private store!: KeyValueStore<string, number>;

  init(context: ProcessorContext<string, number>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<string, number>>('sums');
    context.schedule(3000, 'stream-time', (time) => {
      for (const { key, value } of this.store.all()) context.forward({ key, value, timestamp: time, headers: NO_HEADERS });
    });
  }

  process(record: StreamRecord<string | null, Int>): void {
    if (record.key === null) return;
    if (record.value === null) {
      this.store.delete(record.key);
      return;
    }
    this.store.put(record.key, (this.store.get(record.key) ?? 0) + record.value);
    if (record.value === 0) this.context.forward({ ...record, key: record.key, value: -1 });
  }
}

/**
 * A fixed-key processor: sums values per key in the store 'sums' and forwards each sum a
 * millisecond after its record; a null value deletes the key and is forwarded as it came; a null
 * key is dropped. Every 3 s of stream time it forwards, in the store's key order, each key's
 * latest record with its sum, stamped with the punctuation's time.
 */
class ValueSummer implements FixedKeyProcessor<string | null, Int, Int> {
  private context!: FixedKeyProcessorContext<string | null, Int>;
  private store!: KeyValueStore<string, number>;
  private readonly latest = new Map<string, FixedKeyRecord<string | null, Int>>();

  init(context: FixedKeyProcessorContext<string | null, Int>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<string, number>>('sums');
    context.schedule(3000, 'stream-time', (time) => {
      for (const { key, value } of this.store.all()) context.forward(this.latest.get(key)!.withValue(value).withTimestamp(time));
    });
  }

  process(record: FixedKeyRecord<string | null, Int>): void {
    if (record.key === null) return;
    this.latest.set(record.key, record);
    if (record.value === null) {
      this.store.delete(record.key);
      this.context.forward(record);
      return;
    }
    const sum = (this.store.get(record.key) ?? 0) + record.value;
    this.store.put(record.key, sum);
    this.context.forward(record.withValue(sum).withTimestamp(record.timestamp + 1));
  }
}

/** A fixed-key processor that forwards a 0 to every child, a null or a value under 5 to 'small', the rest to 'large'. */
class Router implements FixedKeyProcessor<string, Int, Int> {
  private context!: FixedKeyProcessorContext<string, Int>;

  init(context: FixedKeyProcessorContext<string, Int>): void {
    this.context = context;
  }

  process(record: FixedKeyRecord<string, Int>): void {
    if (record.value === 0) this.context.forward(record);
    else this.context.forward(record, record.value === null || record.value < 5 ? 'small' : 'large');
  }
}

/**
 * The Processor API: a store and a punctuation on stream time, in a Topology and in the DSL;
 * processValues (no repartition before the count after it), by a generated name and by a given one.
 */
export const processorTopologies: ConformanceTopology[] = [
  {
    name: 'processor-punctuation',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: true,
    outputs: ['out'],
    build() {
      return new Topology()
        .addSource('source', 'in', { keySerde: str, valueSerde: int })
        .addProcessor('summer', () => new SumPunctuator(), 'source')
        .addStateStore(Stores.keyValueStoreBuilder('sums', str, int), 'summer')
        .addSink('sink', 'out', { keySerde: str, valueSerde: int }, 'summer');
    },
  },
  {
    name: 'processor-dsl-process',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: true,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder('sums', str, int));
      builder
        .stream<string | null, Int>('in', { keySerde: str, valueSerde: int })
        .process(() => new SumPunctuator(), 'sums')
        .to('out', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'processor-dsl-process-values',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: true,
    outputs: ['summed', 'out'],
    build() {
      const builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder('sums', str, int));
      const summed = builder.stream<string | null, Int>('in', { keySerde: str, valueSerde: int }).processValues(() => new ValueSummer(), 'sums');
      summed.to('summed', { keySerde: str, valueSerde: int });
      summed.groupByKey({ keySerde: str, valueSerde: int }).count().toStream().to('out', { keySerde: str, valueSerde: long });
      return builder.build();
    },
  },
  {
    name: 'processor-dsl-process-values-named',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: false,
    outputs: ['small', 'out'],
    build() {
      const builder = new StreamsBuilder();
      const routed = builder.stream<string, Int>('in', { keySerde: str, valueSerde: int }).processValuesNamed('router', () => new Router());
      routed.filter(() => true, 'small').to('small', { keySerde: str, valueSerde: int });
      routed
        .filter(() => true, 'large')
        .groupByKey({ keySerde: str, valueSerde: int })
        .count()
        .toStream()
        .to('out', { keySerde: str, valueSerde: long });
      return builder.build();
    },
  },
];
