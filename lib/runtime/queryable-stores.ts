import { InvalidStateStoreException } from '../errors.ts';
import { isKeyValueStore, type ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { keyComparator } from '../state/internal/key-order.ts';
import type { StateStore } from '../state/state-store.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { StreamThread } from './stream-thread.ts';

/** Which copies of a store `KafkaStreams.store()` and `asyncStore()` read, as Kafka Streams' `StoreQueryParameters`. */
export interface StoreQueryOptions {
  /**
   * Also read the store's standby replicas here, and tasks still restoring: values may be behind
   * the active task's (Kafka Streams' StoreQueryParameters.enableStaleStores).
   */
  readonly enableStaleStores?: boolean;
}

/**
 * A read-only view of one store across the tasks of every stream thread of this instance
 * (Kafka Streams' QueryableStoreProvider): reads go to each task's store, ranges are merged in
 * key order. Which tasks count is decided at each read, so the view follows rebalances.
 */
export function queryableStore<K, V>(
  name: string,
  graph: TopologyGraph,
  threads: () => readonly StreamThread[],
  globalStore: () => StateStore | undefined,
  state: () => string,
  options: StoreQueryOptions = {},
): ReadOnlyKeyValueStore<K, V> {
  const registration = graph.stores.get(name);
  if (!registration) throw new InvalidStateStoreException(`No state store named ${name}; the topology has [${[...graph.stores.keys()].join(', ')}]`);
  const stores = (): ReadOnlyKeyValueStore<K, V>[] => {
    if (registration.global) {
      const global = globalStore();
      if (!global || !global.isOpen()) throw new InvalidStateStoreException(`Global store ${name} is not available: the instance is ${state()}`);
      return [global as unknown as ReadOnlyKeyValueStore<K, V>];
    }
    const found: StateStore[] = [];
    const restoring: string[] = [];
    for (const thread of threads()) {
      for (const task of thread.tasks.active.values()) {
        const store = task.task.context.stores.get(name);
        if (!store) continue;
        if (task.restoring && !options.enableStaleStores) restoring.push(task.id);
        else found.push(store);
      }
      if (!options.enableStaleStores) continue;
      for (const task of thread.tasks.standby.values()) {
        const store = task.stores.store(name);
        if (store) found.push(store);
      }
    }
    if (restoring.length > 0)
      throw new InvalidStateStoreException(`Store ${name} is restoring (tasks ${restoring.join(', ')}); query it again once they are restored`);
    if (found.length === 0) {
      throw new InvalidStateStoreException(
        `Store ${name} is not hosted on this instance: none of its tasks is assigned here` +
          `${options.enableStaleStores ? '' : ' as active (enableStaleStores reads standbys too)'}; queryMetadataForKey says which instance has a key`,
      );
    }
    return found.filter(isKeyValueStore) as unknown as ReadOnlyKeyValueStore<K, V>[];
  };
  const compare = keyComparator(registration.builder.keySerde as never, name) as (a: K, b: K) => number;
  const merged = (read: (store: ReadOnlyKeyValueStore<K, V>) => { key: K; value: V }[]) =>
    stores()
      .flatMap(read)
      .sort((a, b) => compare(a.key, b.key));
  return {
    get: (key) => {
      for (const store of stores()) {
        const value = store.get(key);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    range: (from, to) => merged((store) => store.range(from, to)),
    all: () => merged((store) => store.all()),
    approximateNumEntries: () => stores().reduce((sum, store) => sum + store.approximateNumEntries(), 0),
  };
}
