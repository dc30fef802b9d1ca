import { expect } from 'chai';
import { readInt64BE, writeInt64BE } from '../../lib/serdes/internal/int64.ts';

describe('64-bit integers without BigInt', () => {
  const values = [
    0,
    1,
    -1,
    255,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 32 - 1,
    2 ** 32,
    -(2 ** 32),
    1_795_623_710_500,
    -1_795_623_710_500,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ];

  it("writes the bytes Java's LongSerializer writes, and reads them back", () => {
    for (const value of values) {
      const ours = Buffer.alloc(10);
      writeInt64BE(ours, value, 1, 'n');
      const java = Buffer.alloc(10);
      java.writeBigInt64BE(BigInt(value), 1);
      expect(ours.toString('hex'), String(value)).to.equal(java.toString('hex'));
      expect(readInt64BE(ours, 1), String(value)).to.equal(value);
    }
  });

  it('refuses a number that is not a safe integer, naming it', () => {
    expect(() => writeInt64BE(Buffer.alloc(8), 1.5, 0, 'A window start')).to.throw(RangeError, 'A window start must be a safe integer, got 1.5');
    expect(() => writeInt64BE(Buffer.alloc(8), 2 ** 53, 0, 'A count')).to.throw(RangeError, /A count must be a safe integer/);
  });
});
