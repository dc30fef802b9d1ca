import type { Serde } from './serde.ts';

/**
 * A 64-bit signed integer as `bigint`, 8 bytes big-endian: the same bytes as Java's LongSerde.
 * Serializing also takes a safe-integer `number`, so counts can be written as longs.
 */
export class LongSerde implements Serde<bigint> {
  serialize(_topic: string, data: bigint | number | null): Buffer | null {
    if (data === null || data === undefined) return null;
    let value: bigint;
    if (typeof data === 'bigint') value = data;
    else if (Number.isSafeInteger(data)) value = BigInt(data);
    else throw new RangeError(`Long serde needs a bigint or a safe integer, got ${String(data)}`);
    if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new RangeError(`Long serde: ${value} does not fit in 64 bits`);
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(value, 0);
    return bytes;
  }

  deserialize(_topic: string, data: Buffer | null): bigint {
    if (data === null) return null as unknown as bigint;
    if (data.length !== 8) throw new RangeError(`Long serde needs 8 bytes, got ${data.length}`);
    return data.readBigInt64BE(0);
  }
}
