import { InvalidStateStoreException } from '../errors.ts';
import type { KeyValue } from '../processor/record.ts';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { keyComparator } from '../state/internal/key-order.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { StoreRead } from './worker-messages.ts';

/**
 * A read-only store whose reads may have to cross threads, so they answer asynchronously (in the
 * spirit of Kafka Streams' IQv2 `query()`): what `KafkaStreams.asyncStore()` returns, with stream
 * threads on workers or not.
 */
export interface AsyncReadOnlyKeyValueStore<K, V> {
  /** The value for the key, or undefined when no task of the store has it. */
  get(key: K): Promise<V | undefined>;
  /** Entries with `from <= key <= to` from every task of the store, in the order of the keys' serialized bytes. */
  range(from: K, to: K): Promise<KeyValue<K, V>[]>;
  /** Every entry of every task of the store, in the order of the keys' serialized bytes. */
  all(): Promise<KeyValue<K, V>[]>;
  /** The number of entries, summed over the tasks: an estimate, as Kafka Streams' `approximateNumEntries()`. */
  approximateNumEntries(): Promise<number>;
}

/** The same reads over a store this thread can read directly. */
export function asyncView<K, V>(store: () => ReadOnlyKeyValueStore<K, V>): AsyncReadOnlyKeyValueStore<K, V> {
  return {
    get: async (key) => store().get(key),
    range: async (from, to) => store().range(from, to),
    all: async () => store().all(),
    approximateNumEntries: async () => store().approximateNumEntries(),
  };
}

/**
 * Reads a store across several stream threads on workers, each answering for its own tasks, and
 * merges the answers: the first value found, ranges in key order, counts summed. A thread that
 * hosts none of the store's tasks does not count; when none does, or one is restoring, the read
 * fails as a local one would.
 */
export function workerStoreView<K, V>(name: string, graph: TopologyGraph, reads: (read: StoreRead) => Promise<unknown>[]): AsyncReadOnlyKeyValueStore<K, V> {
  const registration = graph.stores.get(name);
  if (!registration) throw new InvalidStateStoreException(`No state store named ${name}; the topology has [${[...graph.stores.keys()].join(', ')}]`);
  const compare = keyComparator(registration.builder.keySerde as never, name) as (a: K, b: K) => number;
  const answers = async (read: StoreRead): Promise<unknown[]> => {
    const settled = await Promise.allSettled(reads(read));
    const found = settled.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
    const failures = settled.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason as Error] : []));
    const blocking = failures.find((error) => !error.message.includes('is not hosted on this instance'));
    if (blocking) throw new InvalidStateStoreException(blocking.message);
    if (found.length === 0) throw new InvalidStateStoreException(failures[0]?.message ?? `Store ${name} is not hosted on this instance`);
    return found;
  };
  const merged = async (read: StoreRead) => ((await answers(read)) as KeyValue<K, V>[][]).flat().sort((a, b) => compare(a.key, b.key));
  return {
    get: async (key) => (await answers({ op: 'get', key })).find((value) => value !== undefined) as V | undefined,
    range: (from, to) => merged({ op: 'range', from, to }),
    all: () => merged({ op: 'all' }),
    approximateNumEntries: async () => ((await answers({ op: 'count' })) as number[]).reduce((sum, count) => sum + count, 0),
  };
}
