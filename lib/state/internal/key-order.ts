import type { Serde } from '../../serdes/serde.ts';

/**
 * Orders keys as Kafka Streams does, by their serialized bytes, when the store has a key serde;
 * otherwise by the natural order of primitives (numbers, bigints, strings).
 */
export function keyComparator<K>(keySerde: Serde<K> | undefined, storeName: string): (a: K, b: K) => number {
  if (keySerde) {
    const bytes = (key: K): Buffer => keySerde.serialize(storeName, key) ?? Buffer.alloc(0);
    return (a, b) => Buffer.compare(bytes(a), bytes(b));
  }
  return (a, b) => {
    if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
