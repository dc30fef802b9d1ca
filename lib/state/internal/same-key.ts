import { storeKeyEncoder } from './store-key.ts';

const encode = storeKeyEncoder<unknown>(undefined, 'same-key');

/**
 * Whether two keys are the same key, by value: what the stores use to tell keys apart (primitives
 * as they are, Buffers by bytes, objects by stable JSON).
 */
export function sameKey(a: unknown, b: unknown): boolean {
  return a === b || encode(a) === encode(b);
}
