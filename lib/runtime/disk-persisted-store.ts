import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, ProcessorStateException } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { BytesChange, BytesStore } from '../state/bytes-store.ts';
import { LmdbBytesStore } from '../state/lmdb-bytes-store.ts';
import { PersistentKeyValueStore, type DrainedChange } from '../state/persistent-key-value-store.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';
import type { PersistedStore, TakenChanges } from './persisted-store.ts';

/** Restored records written to disk together, when no fetched batch ends sooner: one LMDB transaction each. */
export const RESTORE_WRITE_BATCH = 10_000;

/**
 * A store whose state is on disk (LMDB, in `<taskDir>/<store>`), with its changelog offset in
 * the same file, so that a restart opens it and replays only what came after the checkpoint.
 *
 * The checkpoint never claims more than the changelog holds: processing's changes reach disk
 * only once their records are acknowledged (at-least-once) or their transaction committed
 * (exactly-once), in one write with the offset they reach. So a checkpoint is trusted after any
 * close, clean or SIGKILL, under either guarantee. Restored records go straight to disk in
 * batches, a fetched batch at a time, and never pass through a `Map` of the whole store.
 */
export class DiskPersistedStore implements PersistedStore {
  checkpoint = -1;
  private bytes: BytesStore | undefined;
  /** Restored records not written yet. */
  private restored: BytesChange[] = [];
  /** Drained changes whose records are acknowledged, not written yet. */
  private acknowledged: DrainedChange<unknown, unknown>[] = [];
  /** The checkpoint moved since the last write. */
  private moved = false;

  constructor(
    readonly name: string,
    readonly store: PersistentKeyValueStore<unknown, unknown>,
    readonly changelogTopic: string | undefined,
    readonly sourceChangelog: boolean,
    private readonly partition: number,
    /** The task's folder, locked for this instance (TaskStores locks it once for all its stores). */
    private readonly taskDir: () => Promise<string>,
    private readonly logger: Logger,
  ) {}

  /** Where the store's files are. */
  async path(): Promise<string> {
    return join(await this.taskDir(), encodeURIComponent(this.name));
  }

  /**
   * Opens the store's files. A file that cannot be opened or whose checkpoint cannot be read, or
   * data without a checkpoint, is wiped and restored from the changelog, said in the log; a folder
   * that cannot be written fails the task with an error naming it.
   */
  async load(_exactlyOnce: boolean): Promise<void> {
    this.restored = [];
    if (this.bytes === undefined) {
      this.bytes = this.open(await this.path());
      this.store.attach(this.bytes);
    }
    if (this.changelogTopic === undefined) return;
    const next = this.bytes.checkpoint().get(this.changelogPartition());
    this.checkpoint = next === undefined ? -1 : next - 1;
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.store.forgetUnwritten(key);
    this.restored.push(PersistentKeyValueStore.restoredChange(key, value));
    // Written without a checkpoint: data ahead of its checkpoint is safe, a replay from the older
    // offset puts every key back to the same latest value.
    if (this.restored.length >= RESTORE_WRITE_BATCH) this.writeRestored(undefined);
  }

  restoredTo(end: number): void {
    if (end - 1 <= this.checkpoint && this.restored.length === 0) return;
    this.checkpoint = Math.max(this.checkpoint, end - 1);
    this.writeRestored(this.checkpoint);
  }

  drain(): TakenChanges | undefined {
    const drained = this.store.drainChanges();
    if (drained.length === 0) return undefined;
    return {
      changes: drained,
      acknowledged: (lastOffset) => {
        for (const change of drained) this.acknowledged.push(change);
        if (lastOffset !== undefined && lastOffset > this.checkpoint) this.checkpoint = lastOffset;
        this.moved = true;
      },
    };
  }

  unwrittenCount(): number {
    return this.store.unwrittenCount();
  }

  committedInput(offset: number): void {
    if (offset - 1 <= this.checkpoint) return;
    this.checkpoint = offset - 1;
    this.moved = true;
  }

  /** Writes the acknowledged changes with their checkpoint, in one transaction; kept for the next try when it fails. */
  async persist(_clean: boolean): Promise<void> {
    if (this.bytes === undefined) return;
    if (this.acknowledged.length === 0 && this.restored.length === 0 && !this.moved) return;
    this.store.writeDrained(this.acknowledged, this.restored, this.checkpointMap(this.checkpoint));
    this.acknowledged = [];
    this.restored = [];
    this.moved = false;
  }

  async disconnect(): Promise<void> {
    this.store.close();
    this.bytes?.close();
  }

  private writeRestored(checkpoint: number | undefined): void {
    const bytes = this.bytes!;
    bytes.write(this.restored, checkpoint === undefined ? undefined : this.checkpointMap(checkpoint));
    this.restored = [];
  }

  private checkpointMap(checkpoint: number): Map<string, number> {
    return this.changelogTopic === undefined || checkpoint < 0 ? new Map() : new Map([[this.changelogPartition(), checkpoint + 1]]);
  }

  private changelogPartition(): string {
    return topicPartitionKey({ topic: this.changelogTopic!, partition: this.partition });
  }

  private open(path: string): BytesStore {
    let bytes: BytesStore;
    try {
      bytes = new LmdbBytesStore(path);
      bytes.checkpoint();
    } catch (error) {
      this.logger.warn(`Store ${this.name}: cannot open ${path} (${errorMessage(error)}); wiping it, the changelog restores it`);
      return this.reopenEmpty(path);
    }
    if (this.changelogTopic !== undefined && !bytes.checkpoint().has(this.changelogPartition()) && bytes.approximateNumEntries() > 0) {
      this.logger.warn(`Store ${this.name}: ${path} holds data but no checkpoint of ${this.changelogPartition()}; wiping it, the changelog restores it`);
      bytes.destroy();
      return this.reopenEmpty(path);
    }
    return bytes;
  }

  private reopenEmpty(path: string): BytesStore {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      throw new ProcessorStateException(`Store ${this.name}: cannot remove ${path}: ${errorMessage(error)}`, { cause: error });
    }
    return new LmdbBytesStore(path);
  }
}
