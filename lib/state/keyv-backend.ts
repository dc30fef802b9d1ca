import type Keyv from 'keyv';
import { InvalidStateStoreException, errorMessage } from '../errors.ts';

/** Where a store's Keyv backend says its contents come from: the changelog up to `offset`. */
export interface StoreCheckpoint {
  /** The last changelog offset reflected in the backend; -1 when none. */
  readonly offset: number;
  /** False while the task runs; true after a clean close. Exactly-once trusts only clean checkpoints. */
  readonly clean: boolean;
}

/**
 * Makes the Keyv instance for one store of one task; `namespace` is `<applicationId>/<store>/<taskId>;`.
 * The closing `;` matters: Keyv's iterator matches namespaces by substring (and Redis by a glob
 * prefix), and `.../0_1` would match `.../0_10`. Brackets would not do: they are glob syntax.
 */
export type KeyvFactory = (namespace: string) => Keyv;

// Keys and values are stored as base64 of their serialized bytes, so Buffers, bigints and
// windowed keys round-trip whatever JSON does to them. The checkpoint key cannot be base64.
const CHECKPOINT_KEY = '__rx_kafka_streams_checkpoint__';

/**
 * A store's persistence in Keyv, one namespace per store and task so that `clear()` and iteration
 * never touch another store. Keyv's errors are made to throw (`throwOnErrors`) instead of turning
 * into a silent `false`, and every error names the store.
 */
export class KeyvBackend {
  constructor(
    readonly keyv: Keyv,
    readonly storeName: string,
    readonly namespace: string,
  ) {
    keyv.namespace = namespace;
    keyv.throwOnErrors = true;
    // An error event with no listener would crash the process; errors reach us through throws.
    if (keyv.listeners('error').length === 0) keyv.on('error', () => {});
  }

  /** Every entry and the checkpoint; needs an adapter that can iterate (Map, Redis, Postgres, SQLite do). */
  async load(): Promise<{ entries: [Buffer, Buffer][]; checkpoint: StoreCheckpoint | undefined }> {
    if (typeof this.keyv.iterator !== 'function') {
      throw new InvalidStateStoreException(`The Keyv adapter of store ${this.storeName} cannot iterate; use one that supports iterator()`);
    }
    const entries: [Buffer, Buffer][] = [];
    let checkpoint: StoreCheckpoint | undefined;
    try {
      for await (const [key, value] of this.keyv.iterator(undefined)) {
        if (key === CHECKPOINT_KEY) checkpoint = value as StoreCheckpoint;
        else if (typeof value === 'string') entries.push([Buffer.from(String(key), 'base64'), Buffer.from(value, 'base64')]);
      }
    } catch (error) {
      throw this.failure('load', error);
    }
    return { entries, checkpoint };
  }

  /** Writes changed entries (null value: delete), then the checkpoint that covers them. */
  async write(changes: readonly [Buffer, Buffer | null][], checkpoint: StoreCheckpoint): Promise<void> {
    try {
      const puts = changes.filter(([, value]) => value !== null).map(([key, value]) => ({ key: key.toString('base64'), value: value!.toString('base64') }));
      const deletes = changes.filter(([, value]) => value === null).map(([key]) => key.toString('base64'));
      if (puts.length > 0) await this.keyv.setMany(puts);
      if (deletes.length > 0) await this.keyv.deleteMany(deletes);
      await this.keyv.set(CHECKPOINT_KEY, checkpoint);
    } catch (error) {
      throw this.failure('write', error);
    }
  }

  async markDirty(offset: number): Promise<void> {
    try {
      await this.keyv.set(CHECKPOINT_KEY, { offset, clean: false } satisfies StoreCheckpoint);
    } catch (error) {
      throw this.failure('write the checkpoint of', error);
    }
  }

  /** Deletes this namespace's keys one by one: Keyv's clear() empties a shared Map for every namespace. */
  async clear(): Promise<void> {
    try {
      const keys: string[] = [];
      for await (const [key] of this.keyv.iterator!(undefined)) keys.push(String(key));
      if (keys.length > 0) await this.keyv.deleteMany(keys);
    } catch (error) {
      throw this.failure('clear', error);
    }
  }

  async disconnect(): Promise<void> {
    await this.keyv.disconnect?.().catch(() => {});
  }

  private failure(action: string, error: unknown): InvalidStateStoreException {
    return new InvalidStateStoreException(`Could not ${action} the Keyv backend of store ${this.storeName} (namespace ${this.namespace}): ${errorMessage(error)}`, {
      cause: error,
      location: { storeName: this.storeName },
    });
  }
}
