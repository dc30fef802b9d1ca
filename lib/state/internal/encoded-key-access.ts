/**
 * Reads and writes by a key the store has encoded already: a step that touches one key several
 * times per record (get, its timestamp, put) encodes it once. Windowed keys are encoded by
 * serializing them, which is most of what such a step costs.
 */
export interface EncodedKeyAccess<K, V> {
  encodeKey(key: K): unknown;
  getEncoded(encoded: unknown): V | undefined;
  timestampOfEncoded(encoded: unknown): number | undefined;
  /** putWithTimestamp of `key`, whose encoding is `encoded`. */
  putEncodedWithTimestamp(key: K, encoded: unknown, value: V | null, timestamp: number): void;
}

/** The store itself when it offers encoded access, else undefined (callers use the plain methods). */
export function encodedKeyAccess<K, V>(store: object): EncodedKeyAccess<K, V> | undefined {
  const candidate = store as Partial<EncodedKeyAccess<K, V>>;
  return typeof candidate.encodeKey === 'function' && typeof candidate.putEncodedWithTimestamp === 'function'
    ? (candidate as EncodedKeyAccess<K, V>)
    : undefined;
}
