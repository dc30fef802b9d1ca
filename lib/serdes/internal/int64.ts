// A Java long as 8 bytes big-endian, for numbers that are safe integers (times, counts), without
// going through BigInt: windowed store keys write one per update, and BigInt conversion was a
// hot spot of the windowed-count benchmark (bench/results/profile.md).

const TWO_TO_32 = 4294967296;

/** Writes `value` (a safe integer) at `offset` as a signed 64-bit big-endian integer. */
export function writeInt64BE(bytes: Buffer, value: number, offset: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${String(value)}`);
  const high = Math.floor(value / TWO_TO_32);
  bytes.writeInt32BE(high, offset);
  bytes.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
}

/** Reads a signed 64-bit big-endian integer at `offset` as a number (exact up to 2^53). */
export function readInt64BE(bytes: Buffer, offset: number): number {
  return bytes.readInt32BE(offset) * TWO_TO_32 + bytes.readUInt32BE(offset + 4);
}
