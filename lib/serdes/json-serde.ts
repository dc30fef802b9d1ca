import type { Serde } from './serde.ts';

/** Any JSON value as UTF-8 JSON text. */
export class JsonSerde<T> implements Serde<T> {
  serialize(_topic: string, data: T | null): Buffer | null {
    if (data === null || data === undefined) return null;
    // JSON.stringify throws on bigint and cycles; both are caught by the caller and named there.
    const text = JSON.stringify(data) as string | undefined;
    // A function or a symbol has no JSON form: stringify gives undefined rather than throwing.
    if (text === undefined) throw new TypeError(`a ${typeof data} has no JSON form`);
    return Buffer.from(text, 'utf8');
  }

  deserialize(_topic: string, data: Buffer | null): T {
    if (data === null) return null as T;
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (error) {
      const preview = data.subarray(0, 40).toString('utf8');
      throw new Error(`not valid JSON (${(error as Error).message}): ${JSON.stringify(preview)}`);
    }
  }
}
