import type { Serde } from './serde.ts';

/** An IEEE-754 double, 8 bytes big-endian: the same bytes as Java's DoubleSerde. */
export class DoubleSerde implements Serde<number> {
  serialize(_topic: string, data: number | null): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'number') throw new TypeError(`Double serde got a ${typeof data}, not a number`);
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeDoubleBE(data, 0);
    return bytes;
  }

  deserialize(_topic: string, data: Buffer | null): number {
    if (data === null) return null as unknown as number;
    if (data.length !== 8) throw new RangeError(`Double serde needs 8 bytes, got ${data.length}`);
    return data.readDoubleBE(0);
  }
}
