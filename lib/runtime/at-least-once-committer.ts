import type { Consumer, Producer } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CommitOffset, RuntimeTask } from './runtime-task.ts';
import { sendRecords } from './send-batch.ts';
import { persistStores, type StorePersistenceListener } from './store-persistence.ts';
import { isRecoverable } from './task-health.ts';
import type { ChangelogDrain } from './task-stores.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';

const NOTHING_TO_LOG: ChangelogDrain = { records: [], acknowledged: () => {} };

/**
 * At-least-once: after each fetched batch, the task's outputs go out; the input offsets of those
 * records become committable only once they are acknowledged. Each task sends one request after
 * another, so its outputs keep their order; different tasks send at the same time (one chain of
 * sends for the whole instance left the producer waiting on one acknowledgement at a time).
 */
export class AtLeastOnceCommitter {
  /** Per task id, its last send: the next one of that task starts when it is acknowledged. */
  private readonly sending = new Map<string, Promise<unknown>>();
  private readonly acknowledged = new Map<string, CommitOffset>();
  /**
   * Tasks this instance dropped (revoked, lost). A send of theirs still in flight must not make
   * their offsets committable: this instance would commit offsets of partitions it no longer owns.
   */
  private readonly dropped = new WeakSet<RuntimeTask>();
  /**
   * The first send that failed for good. No later send goes out (their offsets would be committed
   * past the failed records), and the next send or commit fails with it.
   */
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly logger: Logger,
    private readonly persistence: StorePersistenceListener,
    /** A send failed for a reason that can pass: the thread starts the task again from its committed offsets. */
    private readonly onSendFailed: (task: RuntimeTask, error: unknown) => void,
  ) {}

  /**
   * Sends what the tasks have pending; resolves once it (and every earlier send) is acknowledged.
   * `flush` (when committing) first empties the record caches and writes the changelogs;
   * between commits only what the processors already emitted goes out.
   */
  send(tasks: Iterable<RuntimeTask>, flush: boolean): Promise<unknown> {
    return Promise.all([...tasks].map((task) => this.sendTask(task, flush)));
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private sendTask(task: RuntimeTask, flush: boolean): Promise<unknown> {
    const { outputs, offsets } = task.takeWork(flush);
    const drain = flush ? task.stores.drain(Date.now()) : NOTHING_TO_LOG;
    const records = drain.records.length > 0 ? [...outputs, ...drain.records] : outputs;
    const previous = this.sending.get(task.id) ?? Promise.resolve();
    if (records.length === 0 && offsets.length === 0) return previous;
    const next = previous.then(async () => {
      // Dropped meanwhile: whoever runs it next processes these records again, and its outputs
      // must not overtake theirs.
      if (this.dropped.has(task)) return;
      this.throwIfFailed();
      let lastOffsets: Map<string, number>;
      try {
        lastOffsets = await sendRecords(this.producer, records);
      } catch (error) {
        if (!isRecoverable(error)) {
          this.failure ??= { error };
          throw error;
        }
        this.dropped.add(task);
        this.onSendFailed(task, error);
        return;
      }
      drain.acknowledged(lastOffsets);
      if (this.dropped.has(task)) return;
      for (const offset of offsets) this.acknowledged.set(topicPartitionKey(offset), offset);
    });
    // A failed send fails this call, not the task's later ones.
    this.sending.set(
      task.id,
      next.catch(() => {}),
    );
    return next;
  }

  /** Commits the acknowledged offsets, then writes the stores' acknowledged changes to Keyv. */
  async commit(tasks: readonly RuntimeTask[], clean = false): Promise<void> {
    await Promise.all(this.sending.values());
    this.throwIfFailed();
    if (this.acknowledged.size > 0) {
      const offsets = [...this.acknowledged.values()];
      this.acknowledged.clear();
      try {
        await this.consumer.commitOffsets(offsets);
        for (const task of tasks) {
          task.stores.committedInput(offsets);
          task.committed(offsets);
        }
      } catch (error) {
        // Whoever owns these partitions next processes the records again: at-least-once holds.
        this.logger.warn(`Commit failed, the records since the last commit will be processed again: ${errorMessage(error)}`);
      }
    }
    for (const task of tasks) await persistStores(task, clean, this.persistence);
  }

  /** Forgets the offsets of a task this instance no longer owns, acknowledged now or later. */
  forget(task: RuntimeTask, partitions: readonly { topic: string; partition: number }[]): void {
    this.dropped.add(task);
    for (const { topic, partition } of partitions) this.acknowledged.delete(topicPartitionKey({ topic, partition }));
  }
}
