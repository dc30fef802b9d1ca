import { readInt64BE, writeInt64BE } from '../serdes/internal/int64.ts';
import type { Serde } from '../serdes/serde.ts';
import type { Windowed } from './windowed.ts';

/**
 * A time-windowed key as Kafka Streams' TimeWindowedSerde writes it: the inner key's bytes, then
 * the window start as 8 bytes big-endian. The end is not written: it is start + window size.
 */
export class TimeWindowedSerde<K> implements Serde<Windowed<K>> {
  constructor(
    /** Serde of the record key inside the windowed key. */
    readonly inner: Serde<K>,
    private readonly windowSizeMs: number,
  ) {}

  /** The inner key's bytes followed by the window start; null stays null. */
  serialize(topic: string, data: Windowed<K> | null): Buffer | null {
    if (data === null || data === undefined) return null;
    const key = this.inner.serialize(topic, data.key) ?? Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(key.length + 8);
    key.copy(bytes, 0);
    writeInt64BE(bytes, data.window.start, key.length, 'A window start');
    return bytes;
  }

  /** Reads the inner key and the window start; the end is start + window size. Throws a RangeError on fewer than 8 bytes. */
  deserialize(topic: string, data: Buffer | null): Windowed<K> {
    if (data === null) return null as unknown as Windowed<K>;
    if (data.length < 8) throw new RangeError(`A time-windowed key needs at least 8 bytes, got ${data.length}`);
    const start = readInt64BE(data, data.length - 8);
    return { key: this.inner.deserialize(topic, data.subarray(0, data.length - 8)), window: { start, end: start + this.windowSizeMs } };
  }
}
