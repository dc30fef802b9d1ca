/**
 * Turns values of one type into bytes and back, for one topic at a time.
 *
 * `null` passes through both ways (a tombstone stays a tombstone), so a `Serde<T>` reads
 * `null` bytes as `null` even though its type says `T`.
 */
export interface Serde<T> {
  /** The bytes of `data` for `topic`, or null for null. An error thrown here is raised as a SerializationException naming the record. */
  serialize(topic: string, data: T | null): Buffer | null;
  /**
   * The value read from `data` (a record of `topic`), or null for null. An error thrown here becomes a SerializationException
   * that the deserialization exception handler sees.
   */
  deserialize(topic: string, data: Buffer | null): T;
}
