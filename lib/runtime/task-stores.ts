import Keyv from 'keyv';
import { StreamsException } from '../errors.ts';
import { NO_HEADERS, type ProducedRecord } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { ChangeTrackingKeyValueStore } from '../state/change-tracking-key-value-store.ts';
import { InMemoryKeyValueStore } from '../state/in-memory-key-value-store.ts';
import { KeyvBackend, type KeyvFactory } from '../state/keyv-backend.ts';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.ts';
import { KeyvPersistedStore } from './keyv-persisted-store.ts';
import { DiskPersistedStore } from './disk-persisted-store.ts';
import { PersistentKeyValueStore } from '../state/persistent-key-value-store.ts';
import type { StateDirectory, TaskDirectoryLock } from './state-directory.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import type { PersistedStore, TakenChanges } from './persisted-store.ts';
import type { StateStore } from '../state/state-store.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import { changelogTopicName } from './internal-topics.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';

/**
 * How each store persists, by store name, with `default` for the rest: a Keyv factory (the store
 * is held in the heap and written behind to Keyv), or `'lmdb'` (the store is on disk under
 * `stateDir`, the heap holds only its unwritten changes). Without one, a store keeps an in-memory Keyv.
 */
export type StoreFactories = Readonly<Record<string, KeyvFactory | 'lmdb'>>;

/** Unwritten changes of a task's stores on disk past which it commits before its commit interval is up (about 200 bytes of heap each). */
export const UNWRITTEN_CHANGES_COMMIT_AT = 20_000;

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
  /** Where stores on disk live; needed when a factory is `'lmdb'`. */
  readonly stateDirectory?: StateDirectory;
  readonly logger?: Logger;
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
  /** The task's folder, locked on the first open of a store on disk. */
  private lock: Promise<TaskDirectoryLock> | undefined;

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
    const sourceTopic = this.options.sourceChangelogs.get(builder.name);
    const factory = factories[builder.name] ?? factories.default ?? (() => new Keyv());
    const changelogTopic = sourceTopic ?? (this.options.logged.has(builder.name) ? changelogTopicName(applicationId, builder.name) : undefined);
    if (factory === 'lmdb') {
      const store = new PersistentKeyValueStore(builder.name, keySerde, valueSerde, changelogTopic ?? builder.name);
      const taskDir = (): Promise<string> => this.lockedTaskDir(builder.name);
      const logger = this.options.logger ?? consoleLogger('info');
      this.stores.set(
        builder.name,
        new DiskPersistedStore(builder.name, store, changelogTopic, sourceTopic !== undefined, this.options.partition, taskDir, logger),
      );
      return store;
    }
    if (typeof factory !== 'function') {
      throw new StreamsException(
        `The stores setting of store ${builder.name} is ${String(factory)}; give a Keyv factory, (namespace) => new Keyv(...), or 'lmdb'`,
      );
    }
    const store = new ChangeTrackingKeyValueStore(built as InMemoryKeyValueStore<unknown, unknown>);
    const namespace = `${applicationId}/${builder.name}/${taskId};`;
    const backend = new KeyvBackend(factory(namespace), builder.name, namespace);
    this.stores.set(builder.name, new KeyvPersistedStore(builder.name, store, keySerde, valueSerde, changelogTopic, sourceTopic !== undefined, backend));
    return store;
  };

  /** The key-value store built under `name`, if this task has one. */
  store(name: string): TimestampedKeyValueStore<unknown, unknown> | undefined {
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
      await persisted.load(exactlyOnce);
      if (persisted.changelogTopic) replayFrom.set(persisted.changelogTopic, persisted.checkpoint + 1);
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
    if (key === null) return;
    for (const persisted of this.stores.values()) if (persisted.changelogTopic === topic) persisted.restore(key, value);
  }

  /** Marks the changelog as restored up to (not including) `end`. */
  restoredTo(topic: string, end: number): void {
    for (const persisted of this.stores.values()) if (persisted.changelogTopic === topic) persisted.restoredTo(end);
  }

  /** Takes every change since the last drain: changelog records to send, Keyv writes once acknowledged. */
  drain(timestamp: number): ChangelogDrain {
    const records: ProducedRecord<Buffer, Buffer | null>[] = [];
    const taken: [PersistedStore, TakenChanges][] = [];
    for (const persisted of this.stores.values()) {
      const changes = persisted.drain();
      if (changes === undefined) continue;
      if (persisted.changelogTopic && !persisted.sourceChangelog) {
        for (const { keyBytes, valueBytes } of changes.changes) {
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
      taken.push([persisted, changes]);
    }
    return {
      records,
      acknowledged: (lastOffsets) => {
        for (const [persisted, changes] of taken) {
          const last = persisted.changelogTopic
            ? lastOffsets.get(topicPartitionKey({ topic: persisted.changelogTopic, partition: this.options.partition }))
            : undefined;
          changes.acknowledged(last);
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
      if (committed) persisted.committedInput(Number(committed.offset));
    }
  }

  /** Changelog topics that are source topics: restored up to the committed input offset, not the end. */
  sourceChangelogTopics(): Set<string> {
    return new Set([...this.stores.values()].filter((s) => s.sourceChangelog).map((s) => s.changelogTopic!));
  }

  /**
   * Changes of stores on disk waiting in the heap for the next commit to write them. Past
   * UNWRITTEN_CHANGES_COMMIT_AT the task asks for a commit early, so that the heap holds one
   * bounded write buffer per task whatever the commit interval and the rate.
   */
  unwrittenCount(): number {
    let count = 0;
    for (const persisted of this.stores.values()) count += persisted.unwrittenCount();
    return count;
  }

  /** Writes each store's acknowledged (and restored) changes to where it keeps them; `clean` on a close. */
  async persist(clean = false): Promise<void> {
    for (const persisted of this.stores.values()) await persisted.persist(clean);
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.stores.values()].map((s) => s.disconnect()));
    const lock = this.lock;
    this.lock = undefined;
    if (lock) (await lock.catch(() => undefined))?.release();
  }

  private lockedTaskDir(storeName: string): Promise<string> {
    const directory = this.options.stateDirectory;
    if (directory === undefined)
      return Promise.reject(new StreamsException(`Store ${storeName} is to be kept on disk ('lmdb'), but this runtime has no state directory`));
    if (this.lock === undefined) {
      const lock = directory.lockTask(this.options.taskId);
      this.lock = lock;
      // A failed lock is asked for again at the next load (the restorer retries).
      lock.catch(() => {
        if (this.lock === lock) this.lock = undefined;
      });
    }
    return this.lock.then((lock) => lock.path);
  }
}
