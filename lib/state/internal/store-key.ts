import type { Serde } from '../../serdes/serde.ts';

/**
 * Maps a store key to something a JS `Map` compares by value. Primitives already are; Buffers and
 * objects (windowed keys, composite keys) become a string of their serialized bytes, prefixed
 * with a NUL so they cannot meet a plain string key.
 */
export function storeKeyEncoder<K>(keySerde: Serde<K> | undefined, storeName: string): (key: K) => unknown {
  return (key: K): unknown => {
    if (typeof key !== 'object' || key === null) return key;
    if (Buffer.isBuffer(key)) return '\u0000b' + key.toString('latin1');
    if (keySerde) {
      const bytes = keySerde.serialize(storeName, key);
      return '\u0000s' + (bytes === null ? '' : bytes.toString('latin1'));
    }
    return '\u0000j' + stableJson(key);
  };
}

/** JSON with object keys sorted, so equal objects give equal strings. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(stableJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + stableJson((value as Record<string, unknown>)[k]));
    return '{' + entries.join(',') + '}';
  }
  return typeof value === 'bigint' ? `"${value}n"` : (JSON.stringify(value) ?? 'null');
}
