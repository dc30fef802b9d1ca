import { readInt64BE, writeInt64BE } from '../serdes/internal/int64.ts';
import type { Serde } from '../serdes/serde.ts';
import type { Windowed } from './windowed.ts';

/**
 * A session-windowed key as Kafka Streams' SessionWindowedSerde writes it: the inner key's bytes,
 * then the session end and start, 8 bytes big-endian each.
 */
export class SessionWindowedSerde<K> implements Serde<Windowed<K>> {
  constructor(
    /** Serde of the record key inside the windowed key. */
    readonly inner: Serde<K>,
  ) {}

  /** The inner key's bytes followed by the session end and start; null stays null. */
  serialize(topic: string, data: Windowed<K> | null): Buffer | null {
    if (data === null || data === undefined) return null;
    const key = this.inner.serialize(topic, data.key) ?? Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(key.length + 16);
    key.copy(bytes, 0);
    writeInt64BE(bytes, data.window.end, key.length, 'A session end');
    writeInt64BE(bytes, data.window.start, key.length + 8, 'A session start');
    return bytes;
  }

  /** Reads the inner key, the session end and start. Throws a RangeError on fewer than 16 bytes. */
  deserialize(topic: string, data: Buffer | null): Windowed<K> {
    if (data === null) return null as unknown as Windowed<K>;
    if (data.length < 16) throw new RangeError(`A session-windowed key needs at least 16 bytes, got ${data.length}`);
    const at = data.length - 16;
    return { key: this.inner.deserialize(topic, data.subarray(0, at)), window: { start: readInt64BE(data, at + 8), end: readInt64BE(data, at) } };
  }
}
