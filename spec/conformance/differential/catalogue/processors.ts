import {
  NO_HEADERS,
  Stores,
  StreamsBuilder,
  Topology,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, str } from './serdes.ts';

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

/** The Processor API: a store and a punctuation on stream time, in a Topology and in the DSL. */
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
];
