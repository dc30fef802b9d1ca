/**
 * Turns values of one type into bytes and back, for one topic at a time.
 *
 * `null` passes through both ways (a tombstone stays a tombstone), so a `Serde<T>` reads
 * `null` bytes as `null` even though its type says `T`.
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null;
  deserialize(topic: string, data: Buffer | null): T;
}
