import type Keyv from 'keyv';
import { InvalidStateStoreException, KeyvBackendException, errorMessage } from '../errors.ts';

/** Where a store's Keyv backend says its contents come from: the changelog up to `offset`. */
export interface StoreCheckpoint {
  /** The last changelog offset reflected in the backend; -1 when none. */
  readonly offset: number;
  /** False while the task runs; true after a clean close. Exactly-once trusts only clean checkpoints. */
  readonly clean: boolean;
}

/** Entries per setMany; also how many restored entries a persist serializes at a time. */
export const WRITE_CHUNK = 5000;

/**
 * How long one call to a backend may take before it counts as failed. Some clients (node-redis)
 * queue commands while disconnected and answer only once the server is back: without a bound, a
 * commit would wait for Redis as long as it is gone. The queued writes still land later, in
 * order, before the ones sent after them.
 */
const BACKEND_TIMEOUT_MS = 5000;

function withTimeout<T>(call: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${BACKEND_TIMEOUT_MS} ms`)), BACKEND_TIMEOUT_MS);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

let scans: Promise<unknown> = Promise.resolve();

/**
 * Runs a full scan of a Keyv store, one at a time in this process, retrying twice: a scan sees
 * every store's keys, and a key deleted between an adapter's listing and its read makes Keyv's
 * iterator throw (Redis: "reading 'expires'").
 */
function scanning<T>(scan: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await scan();
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  };
  const result = scans.then(run, run);
  scans = result.catch(() => {});
  return result;
}

/**
 * Makes the Keyv instance for one store of one task; `prefix` is `<applicationId>/<store>/<taskId>;`,
 * which the backend puts in front of every key it writes.
 */
export type KeyvFactory = (prefix: string) => Keyv;

/**
 * A store's persistence in Keyv. Keyv's own namespaces are not used: several Keyv instances
 * over one adapter or one Map share (and overwrite) the adapter's namespace, so iteration and
 * `clear()` would reach other stores. Instead every key carries the store-and-task prefix, ending
 * in `;` so that task `0_1` is never a prefix of `0_10`; iteration keeps only those keys, and
 * clearing deletes only those. Keys and values are base64 of their serialized bytes, so Buffers,
 * bigints and windowed keys round-trip whatever JSON does to them. Keyv's errors are made to
 * throw (`throwOnErrors`) instead of turning into a silent `false`, and every error names the store.
 */
export class KeyvBackend {
  private readonly checkpointKey: string;

  constructor(
    readonly keyv: Keyv,
    readonly storeName: string,
    readonly prefix: string,
  ) {
    this.checkpointKey = `${prefix}#checkpoint`;
    keyv.throwOnErrors = true;
    // An error event with no listener would crash the process; errors reach us through throws.
    if (keyv.listeners('error').length === 0) keyv.on('error', () => {});
  }

  /** Every entry and the checkpoint; needs an adapter that can iterate (Map, Redis, Postgres, SQLite do). */
  async load(): Promise<{ entries: [Buffer, Buffer][]; checkpoint: StoreCheckpoint | undefined }> {
    try {
      return await scanning(async () => {
        const entries: [Buffer, Buffer][] = [];
        let checkpoint: StoreCheckpoint | undefined;
        for await (const [key, value] of this.ownEntries()) {
          if (key === this.checkpointKey) checkpoint = value as StoreCheckpoint;
          else if (typeof value === 'string') entries.push([Buffer.from(key.slice(this.prefix.length), 'base64'), Buffer.from(value, 'base64')]);
        }
        return { entries, checkpoint };
      });
    } catch (error) {
      throw this.failure('load', error);
    }
  }

  /** Writes changed entries (null value: delete), then the checkpoint that covers them. */
  async write(changes: readonly [Buffer, Buffer | null][], checkpoint: StoreCheckpoint): Promise<void> {
    await this.writeChanges(changes);
    await this.writeCheckpoint(checkpoint);
  }

  /** Writes changed entries (null value: delete) without a checkpoint: one that covers them must follow. */
  async writeChanges(changes: readonly [Buffer, Buffer | null][]): Promise<void> {
    try {
      // In chunks, yielding between them: one huge setMany (after a restore, say) would hold the
      // event loop long enough for the consumer to miss its heartbeats and be evicted.
      for (let i = 0; i < changes.length; i += WRITE_CHUNK) {
        const chunk = changes.slice(i, i + WRITE_CHUNK);
        const puts = chunk.filter(([, value]) => value !== null).map(([key, value]) => ({ key: this.keyOf(key), value: value!.toString('base64') }));
        const deletes = chunk.filter(([, value]) => value === null).map(([key]) => this.keyOf(key));
        if (puts.length > 0) await withTimeout(this.keyv.setMany(puts), 'A write');
        if (deletes.length > 0) await withTimeout(this.keyv.deleteMany(deletes), 'A delete');
        if (i + WRITE_CHUNK < changes.length) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      throw this.failure('write', error);
    }
  }

  /** Writes the checkpoint: the changelog offset everything written so far reflects. */
  async writeCheckpoint(checkpoint: StoreCheckpoint): Promise<void> {
    try {
      await withTimeout(this.keyv.set(this.checkpointKey, checkpoint), 'Writing the checkpoint');
    } catch (error) {
      throw this.failure('write', error);
    }
  }

  /** Whether the backend still holds this store's checkpoint (a Redis restarted without persistence holds nothing). */
  async hasCheckpoint(): Promise<boolean> {
    try {
      return (await withTimeout(this.keyv.get(this.checkpointKey), 'Reading the checkpoint')) !== undefined;
    } catch (error) {
      throw this.failure('read the checkpoint of', error);
    }
  }

  async markDirty(offset: number): Promise<void> {
    try {
      await withTimeout(this.keyv.set(this.checkpointKey, { offset, clean: false } satisfies StoreCheckpoint), 'Writing the checkpoint');
    } catch (error) {
      throw this.failure('write the checkpoint of', error);
    }
  }

  /** Deletes this store's keys, and only those. */
  async clear(): Promise<void> {
    try {
      await scanning(async () => {
        const keys: string[] = [];
        for await (const [key] of this.ownEntries()) keys.push(key);
        if (keys.length > 0) await this.keyv.deleteMany(keys);
      });
    } catch (error) {
      throw this.failure('clear', error);
    }
  }

  async disconnect(): Promise<void> {
    await this.keyv.disconnect?.().catch(() => {});
  }

  private keyOf(key: Buffer): string {
    return this.prefix + key.toString('base64');
  }

  private async *ownEntries(): AsyncGenerator<[string, unknown]> {
    if (typeof this.keyv.iterator !== 'function') {
      throw new InvalidStateStoreException(`The Keyv adapter of store ${this.storeName} cannot iterate; use one that supports iterator()`);
    }
    for await (const [key, value] of this.keyv.iterator(undefined)) {
      if (typeof key === 'string' && key.startsWith(this.prefix)) yield [key, value];
    }
  }

  private failure(action: string, error: unknown): InvalidStateStoreException {
    // An adapter that cannot iterate is a setup mistake, not an outage.
    if (error instanceof InvalidStateStoreException) return error;
    return new KeyvBackendException(`Could not ${action} the Keyv backend of store ${this.storeName} (keys ${this.prefix}*): ${errorMessage(error)}`, {
      cause: error,
      location: { storeName: this.storeName },
    });
  }
}
