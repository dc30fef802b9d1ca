import Keyv from 'keyv';
import { StreamsException } from '../errors.ts';
import { NO_HEADERS, type KeyValue, type ProducedRecord } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { ChangeTrackingKeyValueStore } from '../state/change-tracking-key-value-store.ts';
import { InMemoryKeyValueStore } from '../state/in-memory-key-value-store.ts';
import { KeyvBackend, WRITE_CHUNK, type KeyvFactory, type StoreCheckpoint } from '../state/keyv-backend.ts';
import type { StateStore } from '../state/state-store.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import { changelogTopicName } from './internal-topics.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';

/** Keyv factories by store name, with `default` for the rest. Without one, a store keeps an in-memory Keyv. */
export type StoreFactories = Readonly<Record<string, KeyvFactory>>;

/** One persistent store of one task: its working set, its serdes, its changelog and its Keyv backend. */
interface PersistedStore {
  readonly name: string;
  readonly store: ChangeTrackingKeyValueStore<unknown, unknown>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Undefined when the store's logging is disabled. */
  readonly changelogTopic: string | undefined;
  /** True when the changelog is the store's source topic: read on restore, never written. */
  readonly sourceChangelog: boolean;
  readonly backend: KeyvBackend;
  /**
   * Changes whose changelog records are acknowledged (or that have no changelog), waiting for
   * Keyv, by base64 of the key. Restored records are not here: the store tracks their keys
   * (ChangeTrackingKeyValueStore.takeRestored), as copies of their bytes would double the memory.
   */
  pending: Map<string, [Buffer, Buffer | null]>;
  /** The last acknowledged changelog offset. */
  checkpoint: number;
  /**
   * The backend may have lost what it held (a write failed, or its checkpoint is gone: a Redis
   * restarted without persistence), so the next write is the whole store, not only its changes.
   */
  rewrite: boolean;
}

/** A batch of changelog records taken from the stores, to be acknowledged before it counts. */
export interface ChangelogDrain {
  readonly records: ProducedRecord<Buffer, Buffer | null>[];
  /** Call once the records are acknowledged, with the last offset written per partition (topicPartitionKey). */
  acknowledged(lastOffsets: ReadonlyMap<string, number>): void;
}

export interface TaskStoresOptions {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  readonly factories: StoreFactories;
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  /** Names of the stores whose builder has logging on. */
  readonly logged: ReadonlySet<string>;
  /** Stores whose source topic is their changelog, by store name (nothing is written for them). */
  readonly sourceChangelogs: ReadonlyMap<string, string>;
}

/**
 * The persistence of a task's key-value stores: builds them with change tracking, drains their
 * changes into changelog records, and writes acknowledged changes behind to Keyv with a checkpoint
 * (the changelog offset they reach), so a restart loads Keyv and replays only the changelog's tail.
 */
export class TaskStores {
  private readonly stores = new Map<string, PersistedStore>();
  /**
   * True once a standby's stores are handed to an active task: they are current up to
   * `positions()`, so the task replays from there and does not load Keyv again.
   */
  recycled = false;

  constructor(private readonly options: TaskStoresOptions) {}

  /**
   * The TaskOptions.buildStore hook: key-value stores get change tracking and a Keyv backend.
   * A store built already (by the standby this task was made from) is handed out as it is.
   */
  readonly build = (builder: StoreBuilder<StateStore>): StateStore => {
    const existing = this.stores.get(builder.name);
    if (existing) return existing.store;
    const built = builder.build();
    if (!(built instanceof InMemoryKeyValueStore)) return built;
    const { applicationId, taskId, factories } = this.options;
    const keySerde = (built.keySerde ?? this.options.defaultKeySerde) as Serde<unknown> | undefined;
    const valueSerde = (built.valueSerde ?? this.options.defaultValueSerde) as Serde<unknown> | undefined;
    if (!keySerde || !valueSerde) {
      throw new StreamsException(
        `Store ${builder.name} has no ${keySerde ? 'value' : 'key'} serde, which its changelog and Keyv backend need; ` +
          `pass one in materialized (or grouped) options, or set default${keySerde ? 'Value' : 'Key'}Serde`,
      );
    }
    const store = new ChangeTrackingKeyValueStore(built as InMemoryKeyValueStore<unknown, unknown>);
    const sourceTopic = this.options.sourceChangelogs.get(builder.name);
    const namespace = `${applicationId}/${builder.name}/${taskId};`;
    const factory = factories[builder.name] ?? factories.default ?? (() => new Keyv());
    this.stores.set(builder.name, {
      name: builder.name,
      store,
      keySerde,
      valueSerde,
      changelogTopic: sourceTopic ?? (this.options.logged.has(builder.name) ? changelogTopicName(applicationId, builder.name) : undefined),
      sourceChangelog: sourceTopic !== undefined,
      backend: new KeyvBackend(factory(namespace), builder.name, namespace),
      pending: new Map(),
      checkpoint: -1,
      rewrite: false,
    });
    return store;
  };

  /** The key-value store built under `name`, if this task has one. */
  store(name: string): ChangeTrackingKeyValueStore<unknown, unknown> | undefined {
    return this.stores.get(name)?.store;
  }

  /** Changelog topics of this task's logged stores. */
  changelogTopics(): string[] {
    return [...this.stores.values()].flatMap((s) => (s.changelogTopic ? [s.changelogTopic] : []));
  }

  /**
   * Loads each store from Keyv. Returns, per changelog topic, the offset to replay from: the one
   * after the checkpoint, or 0 when the checkpoint cannot be trusted (missing, or under
   * exactly-once not written by a clean close), in which case Keyv is cleared first.
   */
  async load(exactlyOnce: boolean): Promise<Map<string, number>> {
    const replayFrom = new Map<string, number>();
    for (const persisted of this.stores.values()) {
      const { entries, checkpoint } = await persisted.backend.load();
      const trusted = checkpoint !== undefined && (!exactlyOnce || checkpoint.clean || persisted.changelogTopic === undefined);
      if (!trusted && entries.length > 0) {
        await persisted.backend.clear();
      } else {
        for (const [key, value] of entries) this.apply(persisted, key, value);
      }
      persisted.checkpoint = trusted ? checkpoint!.offset : -1;
      if (persisted.changelogTopic) replayFrom.set(persisted.changelogTopic, persisted.checkpoint + 1);
      await persisted.backend.markDirty(persisted.checkpoint);
    }
    return replayFrom;
  }

  /** Per changelog topic, the next offset its stores have to apply (the checkpoint's successor). */
  positions(): Map<string, number> {
    const positions = new Map<string, number>();
    for (const persisted of this.stores.values()) {
      if (persisted.changelogTopic)
        positions.set(persisted.changelogTopic, Math.min(positions.get(persisted.changelogTopic) ?? Infinity, persisted.checkpoint + 1));
    }
    return positions;
  }

  /** Applies one changelog record to the store that logs to `topic` (restoration: not tracked). */
  restore(topic: string, key: Buffer | null, value: Buffer | null): void {
    for (const persisted of this.stores.values()) {
      if (persisted.changelogTopic !== topic || key === null) continue;
      const deserialized = persisted.keySerde.deserialize(topic, key);
      persisted.store.restore(deserialized, value === null ? null : persisted.valueSerde.deserialize(topic, value));
    }
  }

  /** Marks the changelog as restored up to (not including) `end`. */
  restoredTo(topic: string, end: number): void {
    for (const persisted of this.stores.values()) if (persisted.changelogTopic === topic) persisted.checkpoint = Math.max(persisted.checkpoint, end - 1);
  }

  /** Takes every change since the last drain: changelog records to send, Keyv writes once acknowledged. */
  drain(timestamp: number): ChangelogDrain {
    const records: ProducedRecord<Buffer, Buffer | null>[] = [];
    const taken: [PersistedStore, [Buffer, Buffer | null][]][] = [];
    for (const persisted of this.stores.values()) {
      const changes = persisted.store.drainChanges();
      if (changes.length === 0) continue;
      const serialized: [Buffer, Buffer | null][] = [];
      const topic = persisted.changelogTopic ?? persisted.name;
      for (const { key, value } of changes) {
        const keyBytes = persisted.keySerde.serialize(topic, key);
        if (keyBytes === null) continue;
        const valueBytes = value === null ? null : persisted.valueSerde.serialize(topic, value);
        serialized.push([keyBytes, valueBytes]);
        if (persisted.changelogTopic && !persisted.sourceChangelog) {
          records.push({
            topic: persisted.changelogTopic,
            partition: this.options.partition,
            key: keyBytes,
            value: valueBytes,
            timestamp,
            headers: NO_HEADERS,
          });
        }
      }
      taken.push([persisted, serialized]);
    }
    return {
      records,
      acknowledged: (lastOffsets) => {
        for (const [persisted, serialized] of taken) {
          for (const entry of serialized) persisted.pending.set(entry[0].toString('base64'), entry);
          const last = persisted.changelogTopic
            ? lastOffsets.get(topicPartitionKey({ topic: persisted.changelogTopic, partition: this.options.partition }))
            : undefined;
          if (last !== undefined) persisted.checkpoint = Math.max(persisted.checkpoint, last);
        }
      },
    };
  }

  /**
   * Input offsets are committed: a store whose changelog is its source topic is checkpointed at
   * the record before the committed offset.
   */
  committedInput(offsets: readonly { topic: string; partition: number; offset: string }[]): void {
    for (const persisted of this.stores.values()) {
      if (!persisted.sourceChangelog) continue;
      const committed = offsets.find((o) => o.topic === persisted.changelogTopic && o.partition === this.options.partition);
      if (committed) persisted.checkpoint = Math.max(persisted.checkpoint, Number(committed.offset) - 1);
    }
  }

  /** Changelog topics that are source topics: restored up to the committed input offset, not the end. */
  sourceChangelogTopics(): Set<string> {
    return new Set([...this.stores.values()].filter((s) => s.sourceChangelog).map((s) => s.changelogTopic!));
  }

  /**
   * Writes the acknowledged changes, then the restored entries the backend lacks (in chunks,
   * serialized from the store as they go), then their checkpoint, to Keyv.
   */
  async persist(clean = false): Promise<void> {
    for (const persisted of this.stores.values()) {
      const restored = persisted.store.restoredCount();
      if (persisted.pending.size === 0 && restored === 0 && !clean && !persisted.rewrite) continue;
      const pending = persisted.pending;
      persisted.pending = new Map();
      const checkpoint: StoreCheckpoint = { offset: persisted.checkpoint, clean };
      // Restored entries taken from the store and not written yet: kept as changes if writing fails.
      let taken: [Buffer, Buffer | null][] = [];
      try {
        // Its checkpoint gone, the backend lost everything (it restarted empty): changes alone
        // under a new checkpoint would pass for the whole store.
        if (!persisted.rewrite && !(await persisted.backend.hasCheckpoint())) persisted.rewrite = true;
        if (persisted.rewrite) {
          for (const key of persisted.store.forgetRestored()) {
            const keyBytes = serializeKey(persisted, key);
            if (keyBytes !== null && !pending.has(keyBytes.toString('base64'))) pending.set(keyBytes.toString('base64'), [keyBytes, null]);
          }
          await persisted.backend.write(wholeStore(persisted, pending), checkpoint);
        } else {
          await persisted.backend.writeChanges([...pending.values()]);
          // Entries restored meanwhile (a standby keeps restoring) wait for the next persist.
          for (let left = restored; left > 0;) {
            const entries = persisted.store.takeRestored(Math.min(left, WRITE_CHUNK));
            if (entries.length === 0) break;
            left -= entries.length;
            taken = serializeRestored(persisted, entries, pending);
            await persisted.backend.writeChanges(taken);
            taken = [];
            // setMany on an in-memory Keyv never leaves the microtask queue: let the event loop turn.
            await new Promise((resolve) => setImmediate(resolve));
          }
          await persisted.backend.writeCheckpoint(checkpoint);
        }
        persisted.rewrite = false;
      } catch (error) {
        // Not written (or not all of it): kept for the next try, under any newer change of a key.
        for (const [key, entry] of pending) if (!persisted.pending.has(key)) persisted.pending.set(key, entry);
        for (const entry of taken) {
          const key = entry[0].toString('base64');
          if (!persisted.pending.has(key)) persisted.pending.set(key, entry);
        }
        persisted.rewrite = true;
        throw error;
      }
    }
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.stores.values()].map((s) => s.backend.disconnect()));
  }

  private apply(persisted: PersistedStore, key: Buffer, value: Buffer | null): void {
    const topic = persisted.changelogTopic ?? persisted.name;
    persisted.store.inner.put(persisted.keySerde.deserialize(topic, key), value === null ? null : persisted.valueSerde.deserialize(topic, value));
  }
}

function serializeKey(persisted: PersistedStore, key: unknown): Buffer | null {
  return persisted.keySerde.serialize(persisted.changelogTopic ?? persisted.name, key);
}

/** Restored entries, serialized, but for keys `pending` has a newer (acknowledged) change of. */
function serializeRestored(
  persisted: PersistedStore,
  entries: readonly KeyValue<unknown, unknown>[],
  pending: ReadonlyMap<string, unknown>,
): [Buffer, Buffer | null][] {
  const topic = persisted.changelogTopic ?? persisted.name;
  const serialized: [Buffer, Buffer | null][] = [];
  for (const { key, value } of entries) {
    const keyBytes = persisted.keySerde.serialize(topic, key);
    if (keyBytes === null || (pending.size > 0 && pending.has(keyBytes.toString('base64')))) continue;
    serialized.push([keyBytes, value === null ? null : persisted.valueSerde.serialize(topic, value)]);
  }
  return serialized;
}

/** Every entry of the store, serialized, and the deletes among `pending`: what a backend that may have lost everything needs. */
function wholeStore(persisted: PersistedStore, pending: ReadonlyMap<string, [Buffer, Buffer | null]>): [Buffer, Buffer | null][] {
  const topic = persisted.changelogTopic ?? persisted.name;
  const entries: [Buffer, Buffer | null][] = [];
  for (const { key, value } of persisted.store.inner.all()) {
    const keyBytes = persisted.keySerde.serialize(topic, key);
    if (keyBytes !== null) entries.push([keyBytes, value === null ? null : persisted.valueSerde.serialize(topic, value)]);
  }
  for (const entry of pending.values()) if (entry[1] === null) entries.push(entry);
  return entries;
}
