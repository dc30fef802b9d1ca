import type { Serde } from './serde.ts';

/** Raw bytes, passed through untouched. */
export class BufferSerde implements Serde<Buffer> {
  serialize(_topic: string, data: Buffer | null): Buffer | null {
    if (data === null || data === undefined) return null;
    if (!Buffer.isBuffer(data)) throw new TypeError(`Buffer serde got a ${typeof data}, not a Buffer`);
    return data;
  }

  deserialize(_topic: string, data: Buffer | null): Buffer {
    return data as Buffer;
  }
}
