import { readInt64BE, writeInt64BE } from './internal/int64.ts';
import type { Serde } from './serde.ts';

/**
 * A JS number written as a Java long (8 bytes big-endian): how counts are stored, so their
 * changelogs read like Kafka Streams' and come back as numbers.
 */
export class NumberLongSerde implements Serde<number> {
  serialize(_topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null;
    const bytes = Buffer.allocUnsafe(8);
    writeInt64BE(bytes, data, 0, 'A count');
    return bytes;
  }

  deserialize(_topic: string, data: Buffer | null): number {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) throw new RangeError(`A count needs 8 bytes, got ${data.length}`);
    return readInt64BE(data, 0);
  }
}
