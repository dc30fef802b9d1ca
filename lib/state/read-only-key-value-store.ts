import { InvalidStateStoreException } from '../errors.ts';
import type { KeyValueStore } from './key-value-store.ts';

/** A key-value store whose writes throw: how processors see global stores. */
export function readOnlyKeyValueStore<K, V>(store: KeyValueStore<K, V>, reader: string): KeyValueStore<K, V> {
  const refuse = (): never => {
    throw new InvalidStateStoreException(`Store ${store.name} is read-only to ${reader}: global stores are written only from their topic`);
  };
  return {
    name: store.name,
    persistent: store.persistent,
    init: () => {},
    flush: () => {},
    close: () => {},
    isOpen: () => store.isOpen(),
    get: (key) => store.get(key),
    range: (from, to) => store.range(from, to),
    all: () => store.all(),
    approximateNumEntries: () => store.approximateNumEntries(),
    put: refuse,
    putIfAbsent: refuse,
    putAll: refuse,
    delete: refuse,
  };
}
