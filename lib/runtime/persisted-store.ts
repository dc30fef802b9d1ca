import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.ts';

/** One change taken from a store, serialized: the key and value of its changelog record. */
export interface SerializedChange {
  readonly keyBytes: Buffer;
  /** Null for a delete. */
  readonly valueBytes: Buffer | null;
}

/** Changes a drain took from one store, which count only once their changelog records are acknowledged. */
export interface TakenChanges {
  readonly changes: readonly SerializedChange[];
  /** The records are acknowledged (or committed); `lastOffset` is the last changelog offset written, when the store has a changelog. */
  acknowledged(lastOffset: number | undefined): void;
}

/**
 * One key-value store of one task with what keeps it across restarts: a Keyv backend written
 * behind the heap, or a bytes store on disk. TaskStores drives them alike.
 */
export interface PersistedStore {
  readonly name: string;
  readonly store: TimestampedKeyValueStore<unknown, unknown>;
  /** Undefined when the store's logging is disabled. */
  readonly changelogTopic: string | undefined;
  /** True when the changelog is the store's source topic: read on restore, never written. */
  readonly sourceChangelog: boolean;
  /** The last changelog offset the store reflects; -1 when none. */
  readonly checkpoint: number;
  /** Loads or opens what the store kept, and sets `checkpoint` to what of it can be trusted. */
  load(exactlyOnce: boolean): Promise<void>;
  /** Applies one changelog record (restoration: not a change to log). */
  restore(key: Buffer, value: Buffer | null): void;
  /** The changelog is restored up to (not including) `end`. */
  restoredTo(end: number): void;
  /** Takes the changes since the last drain; undefined when there are none. */
  drain(): TakenChanges | undefined;
  /** Input offsets are committed: a source-changelog store reflects its topic up to the record before `offset`. */
  committedInput(offset: number): void;
  /** Changes held in the heap until a commit writes them: what a store on disk holds beyond its cache (0 for a store held whole). */
  unwrittenCount(): number;
  /** Writes what is acknowledged (and restored) to where the store keeps it; `clean` on a close. */
  persist(clean: boolean): Promise<void>;
  disconnect(): Promise<void>;
}
