import type { Serde } from '../../serdes/serde.ts';
import type { Change } from '../change.ts';

/**
 * Writes a Change to a repartition topic: a flag byte (bit 0 = new present, bit 1 = old
 * present), the new value's length as 4 bytes big-endian, the new value, then the old value.
 */
export class ChangeSerde<V> implements Serde<Change<V>> {
  constructor(private readonly inner: Serde<V>) {}

  serialize(topic: string, change: Change<V> | null): Buffer | null {
    if (change === null) return null;
    const newBytes = change.newValue === null ? null : this.inner.serialize(topic, change.newValue);
    const oldBytes = change.oldValue === null ? null : this.inner.serialize(topic, change.oldValue);
    const header = Buffer.allocUnsafe(5);
    header.writeUInt8((newBytes ? 1 : 0) | (oldBytes ? 2 : 0), 0);
    header.writeUInt32BE(newBytes ? newBytes.length : 0, 1);
    return Buffer.concat([header, newBytes ?? Buffer.alloc(0), oldBytes ?? Buffer.alloc(0)]);
  }

  deserialize(topic: string, data: Buffer | null): Change<V> {
    if (data === null) return null as unknown as Change<V>;
    if (data.length < 5) throw new RangeError(`A change needs at least 5 bytes, got ${data.length}`);
    const flags = data.readUInt8(0);
    const newLength = data.readUInt32BE(1);
    if (5 + newLength > data.length) throw new RangeError('A change is shorter than its new value length says');
    return {
      newValue: flags & 1 ? this.inner.deserialize(topic, data.subarray(5, 5 + newLength)) : null,
      oldValue: flags & 2 ? this.inner.deserialize(topic, data.subarray(5 + newLength)) : null,
    };
  }
}
