import { ProcessorStateException } from '../../errors.ts';
import type { StoreCheckpoint } from '../bytes-store.ts';

/**
 * A copy of `checkpoint`, refused when an offset is not a non-negative integer: JSON would store
 * NaN as null and the restore would start from nowhere, long after the write that caused it.
 */
export function checkedCheckpoint(checkpoint: StoreCheckpoint, store: string): StoreCheckpoint {
  for (const [partition, offset] of checkpoint) {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ProcessorStateException(`Cannot checkpoint ${store}: the offset of changelog ${partition} is ${offset}, not an integer >= 0`);
    }
  }
  return new Map(checkpoint);
}

/** The checkpoint as the bytes a persistent engine stores: JSON of its `[partition, offset]` pairs. */
export function encodeCheckpoint(checkpoint: StoreCheckpoint): Buffer {
  return Buffer.from(JSON.stringify([...checkpoint]));
}

/** The checkpoint `encodeCheckpoint` wrote; a store whose bytes are not one is reported, not guessed at. */
export function decodeCheckpoint(bytes: Buffer, store: string): StoreCheckpoint {
  let pairs: unknown;
  try {
    pairs = JSON.parse(bytes.toString());
  } catch (error) {
    throw new ProcessorStateException(`The checkpoint of ${store} is not JSON: ${bytes.toString().slice(0, 80)}`, { cause: error });
  }
  const valid =
    Array.isArray(pairs) &&
    pairs.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && Number.isSafeInteger(pair[1]) && pair[1] >= 0);
  if (!valid)
    throw new ProcessorStateException(`The checkpoint of ${store} is not a list of [changelog partition, offset] pairs: ${bytes.toString().slice(0, 80)}`);
  return new Map(pairs as [string, number][]);
}
