import type { Serde } from './serde.ts';

/** A 32-bit signed integer, 4 bytes big-endian: the same bytes as Java's IntegerSerde. */
export class IntSerde implements Serde<number> {
  serialize(_topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null;
    if (!Number.isInteger(data) || data < -2147483648 || data > 2147483647) {
      throw new RangeError(`Int serde needs a 32-bit integer, got ${String(data)}`);
    }
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeInt32BE(data, 0);
    return bytes;
  }

  deserialize(_topic: string, data: Buffer | null): number {
    if (data === null) return null as unknown as number;
    if (data.length !== 4) throw new RangeError(`Int serde needs 4 bytes, got ${data.length}`);
    return data.readInt32BE(0);
  }
}
