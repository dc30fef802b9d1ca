import type { Serde } from './serde.ts';

/** UTF-8 text, as Kafka's StringSerde. */
export class StringSerde implements Serde<string> {
  serialize(_topic: string, data: string | null): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string') throw new TypeError(`String serde got a ${typeof data}, not a string`);
    return Buffer.from(data, 'utf8');
  }

  deserialize(_topic: string, data: Buffer | null): string {
    return (data === null ? null : data.toString('utf8')) as string;
  }
}
