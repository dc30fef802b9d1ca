import type { KeyValue } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import type { ChangeTrackingKeyValueStore } from '../state/change-tracking-key-value-store.ts';
import { KeyvBackend, WRITE_CHUNK, type StoreCheckpoint } from '../state/keyv-backend.ts';
import type { PersistedStore, SerializedChange, TakenChanges } from './persisted-store.ts';

/**
 * A store held whole in the heap and written behind to a Keyv backend with a checkpoint (the
 * changelog offset it reaches), so that a restart loads Keyv and replays only the changelog's tail.
 */
export class KeyvPersistedStore implements PersistedStore {
  /**
   * Changes whose changelog records are acknowledged (or that have no changelog), waiting for
   * Keyv, by base64 of the key. Restored records are not here: the store tracks their keys
   * (ChangeTrackingKeyValueStore.takeRestored), as copies of their bytes would double the memory.
   */
  private pending = new Map<string, [Buffer, Buffer | null]>();
  checkpoint = -1;
  /**
   * The backend may have lost what it held (a write failed, or its checkpoint is gone: a Redis
   * restarted without persistence), so the next write is the whole store, not only its changes.
   */
  private rewrite = false;

  constructor(
    readonly name: string,
    readonly store: ChangeTrackingKeyValueStore<unknown, unknown>,
    private readonly keySerde: Serde<unknown>,
    private readonly valueSerde: Serde<unknown>,
    readonly changelogTopic: string | undefined,
    readonly sourceChangelog: boolean,
    private readonly backend: KeyvBackend,
  ) {}

  /** The topic the serdes are told: the changelog's, or the store's name without one. */
  private get serdeTopic(): string {
    return this.changelogTopic ?? this.name;
  }

  /**
   * Loads the store from Keyv. The checkpoint cannot be trusted when missing, or under
   * exactly-once when not written by a clean close; Keyv is then cleared and the changelog
   * replayed from 0.
   */
  async load(exactlyOnce: boolean): Promise<void> {
    const { entries, checkpoint } = await this.backend.load();
    const trusted = checkpoint !== undefined && (!exactlyOnce || checkpoint.clean || this.changelogTopic === undefined);
    if (!trusted && entries.length > 0) {
      await this.backend.clear();
    } else {
      const topic = this.serdeTopic;
      for (const [key, value] of entries) {
        this.store.inner.put(this.keySerde.deserialize(topic, key), value === null ? null : this.valueSerde.deserialize(topic, value));
      }
    }
    this.checkpoint = trusted ? checkpoint!.offset : -1;
    await this.backend.markDirty(this.checkpoint);
  }

  restore(key: Buffer, value: Buffer | null): void {
    const topic = this.serdeTopic;
    this.store.restore(this.keySerde.deserialize(topic, key), value === null ? null : this.valueSerde.deserialize(topic, value));
  }

  restoredTo(end: number): void {
    this.checkpoint = Math.max(this.checkpoint, end - 1);
  }

  drain(): TakenChanges | undefined {
    const changes = this.store.drainChanges();
    if (changes.length === 0) return undefined;
    const serialized: SerializedChange[] = [];
    const topic = this.serdeTopic;
    for (const { key, value } of changes) {
      const keyBytes = this.keySerde.serialize(topic, key);
      if (keyBytes === null) continue;
      serialized.push({ keyBytes, valueBytes: value === null ? null : this.valueSerde.serialize(topic, value) });
    }
    return {
      changes: serialized,
      acknowledged: (lastOffset) => {
        for (const { keyBytes, valueBytes } of serialized) this.pending.set(keyBytes.toString('base64'), [keyBytes, valueBytes]);
        if (lastOffset !== undefined) this.checkpoint = Math.max(this.checkpoint, lastOffset);
      },
    };
  }

  unwrittenCount(): number {
    return 0;
  }

  committedInput(offset: number): void {
    this.checkpoint = Math.max(this.checkpoint, offset - 1);
  }

  /**
   * Writes the acknowledged changes, then the restored entries the backend lacks (in chunks,
   * serialized from the store as they go), then their checkpoint, to Keyv.
   */
  async persist(clean: boolean): Promise<void> {
    const restored = this.store.restoredCount();
    if (this.pending.size === 0 && restored === 0 && !clean && !this.rewrite) return;
    const pending = this.pending;
    this.pending = new Map();
    const checkpoint: StoreCheckpoint = { offset: this.checkpoint, clean };
    // Restored entries taken from the store and not written yet: kept as changes if writing fails.
    let taken: [Buffer, Buffer | null][] = [];
    try {
      // Its checkpoint gone, the backend lost everything (it restarted empty): changes alone
      // under a new checkpoint would pass for the whole store.
      if (!this.rewrite && !(await this.backend.hasCheckpoint())) this.rewrite = true;
      if (this.rewrite) {
        for (const key of this.store.forgetRestored()) {
          const keyBytes = this.keySerde.serialize(this.serdeTopic, key);
          if (keyBytes !== null && !pending.has(keyBytes.toString('base64'))) pending.set(keyBytes.toString('base64'), [keyBytes, null]);
        }
        await this.backend.write(this.wholeStore(pending), checkpoint);
      } else {
        await this.backend.writeChanges([...pending.values()]);
        // Entries restored meanwhile (a standby keeps restoring) wait for the next persist.
        for (let left = restored; left > 0;) {
          const entries = this.store.takeRestored(Math.min(left, WRITE_CHUNK));
          if (entries.length === 0) break;
          left -= entries.length;
          taken = this.serializeRestored(entries, pending);
          await this.backend.writeChanges(taken);
          taken = [];
          // setMany on an in-memory Keyv never leaves the microtask queue: let the event loop turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
        await this.backend.writeCheckpoint(checkpoint);
      }
      this.rewrite = false;
    } catch (error) {
      // Not written (or not all of it): kept for the next try, under any newer change of a key.
      for (const [key, entry] of pending) if (!this.pending.has(key)) this.pending.set(key, entry);
      for (const entry of taken) {
        const key = entry[0].toString('base64');
        if (!this.pending.has(key)) this.pending.set(key, entry);
      }
      this.rewrite = true;
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.backend.disconnect();
  }

  /** Restored entries, serialized, but for keys `pending` has a newer (acknowledged) change of. */
  private serializeRestored(entries: readonly KeyValue<unknown, unknown>[], pending: ReadonlyMap<string, unknown>): [Buffer, Buffer | null][] {
    const topic = this.serdeTopic;
    const serialized: [Buffer, Buffer | null][] = [];
    for (const { key, value } of entries) {
      const keyBytes = this.keySerde.serialize(topic, key);
      if (keyBytes === null || (pending.size > 0 && pending.has(keyBytes.toString('base64')))) continue;
      serialized.push([keyBytes, value === null ? null : this.valueSerde.serialize(topic, value)]);
    }
    return serialized;
  }

  /** Every entry of the store, serialized, and the deletes among `pending`: what a backend that may have lost everything needs. */
  private wholeStore(pending: ReadonlyMap<string, [Buffer, Buffer | null]>): [Buffer, Buffer | null][] {
    const topic = this.serdeTopic;
    const entries: [Buffer, Buffer | null][] = [];
    for (const { key, value } of this.store.inner.all()) {
      const keyBytes = this.keySerde.serialize(topic, key);
      if (keyBytes !== null) entries.push([keyBytes, value === null ? null : this.valueSerde.serialize(topic, value)]);
    }
    for (const entry of pending.values()) if (entry[1] === null) entries.push(entry);
    return entries;
  }
}
