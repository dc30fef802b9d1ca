import type { Serde } from './serde.ts';

/** Always null: for keys or values that carry no data, as Kafka's VoidSerde. */
export class VoidSerde implements Serde<null> {
  serialize(_topic: string, data: null): Buffer | null {
    if (data !== null && data !== undefined) throw new TypeError('Void serde only writes null');
    return null;
  }

  deserialize(_topic: string, data: Buffer | null): null {
    if (data !== null && data.length > 0) throw new RangeError(`Void serde needs null data, got ${data.length} bytes`);
    return null;
  }
}
