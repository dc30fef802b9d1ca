import type { Consumer, Producer } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CommitOffset, RuntimeTask } from './runtime-task.ts';
import { sendRecords } from './send-batch.ts';
import type { ChangelogDrain } from './task-stores.ts';

const NOTHING_TO_LOG: ChangelogDrain = { records: [], acknowledged: () => {} };

/**
 * At-least-once: after each fetched batch, the outputs and changelog records of every task go out
 * in one batch; the input offsets of those records become committable only once it is
 * acknowledged. Sends run one after another, so a partition's outputs keep their order.
 */
export class AtLeastOnceCommitter {
  private sending: Promise<unknown> = Promise.resolve();
  private readonly acknowledged = new Map<string, CommitOffset>();

  constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends what the tasks have pending; resolves once it (and every earlier send) is acknowledged.
   * `flush` (when committing) first empties the record caches and writes the changelogs;
   * between commits only what the processors already emitted goes out.
   */
  send(tasks: Iterable<RuntimeTask>, flush: boolean): Promise<unknown> {
    const work = [...tasks].map((task) => ({ task, ...task.takeWork(flush), drain: flush ? task.stores.drain(Date.now()) : NOTHING_TO_LOG }));
    const records = work.flatMap(({ outputs, drain }) => [...outputs, ...drain.records]);
    const offsets = work.flatMap(({ offsets }) => offsets);
    if (records.length === 0 && offsets.length === 0) return this.sending;
    this.sending = this.sending.then(async () => {
      const lastOffsets = await sendRecords(this.producer, records);
      for (const { drain } of work) drain.acknowledged(lastOffsets);
      for (const offset of offsets) this.acknowledged.set(`${offset.topic}:${offset.partition}`, offset);
    });
    return this.sending;
  }

  /** Commits the acknowledged offsets, then writes the stores' acknowledged changes to Keyv. */
  async commit(tasks: readonly RuntimeTask[], clean = false): Promise<void> {
    await this.sending;
    if (this.acknowledged.size > 0) {
      const offsets = [...this.acknowledged.values()];
      this.acknowledged.clear();
      try {
        await this.consumer.commitOffsets(offsets);
        for (const task of tasks) task.stores.committedInput(offsets);
      } catch (error) {
        // Whoever owns these partitions next processes the records again: at-least-once holds.
        this.logger.warn(`Commit failed, the records since the last commit will be processed again: ${errorMessage(error)}`);
      }
    }
    for (const task of tasks) await task.stores.persist(clean);
  }

  /** Forgets acknowledged offsets of partitions this instance no longer owns. */
  forget(topic: string, partition: number): void {
    this.acknowledged.delete(`${topic}:${partition}`);
  }
}
