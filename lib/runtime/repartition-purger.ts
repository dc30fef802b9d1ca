import type { Admin } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { topicPartitionKey, type TopicPartition } from '../kafka/topic-partition.ts';

/** The one admin call a purge makes (kafkajs' DeleteRecords). */
export type RecordDeleter = Pick<Admin, 'deleteTopicRecords'>;

/** What a purge reads of a task: each input partition and the offset committed last for it, if any. */
export interface CommittedInput {
  lastCommitted(): (TopicPartition & { readonly offset: number | undefined })[];
}

/**
 * Deletes the records of repartition topics that a stream thread's active tasks have committed,
 * as Kafka Streams' TaskManager.maybePurgeCommittedRecords (run from StreamThread.maybeCommit,
 * every `repartition.purge.interval.ms`). Repartition topics never delete by age (`retention.ms`
 * -1: a task far behind must not lose input), so this is what keeps them small.
 *
 * The offsets come from the tasks' committed offsets, which only a commit that succeeded (or the
 * group's offsets read when a task starts) moves: a purge never goes past what was committed,
 * under either guarantee, whatever commit it follows. As Kafka, one request at a time, and a
 * failure is not the task's: the next purge tries again with newer offsets.
 */
export class RepartitionPurger {
  private lastPurge: number;
  private inFlight = false;
  /** Per partition (`topicPartitionKey`), the offset records were last deleted up to. */
  private readonly purgedUpTo = new Map<string, number>();

  constructor(
    private readonly admin: RecordDeleter,
    /** The repartition topics, as named on the broker. */
    private readonly repartitionTopics: ReadonlySet<string>,
    /** 0 purges after every commit. */
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lastPurge = now();
  }

  /**
   * Called after the thread committed: once the interval is up, and unless a purge is still in
   * flight, deletes each repartition partition of `tasks` up to its committed offset, where that
   * moved since the last purge. Resolves when done; never rejects.
   */
  async afterCommit(tasks: Iterable<CommittedInput>): Promise<void> {
    if (this.inFlight || this.now() - this.lastPurge < this.intervalMs) return;
    const byTopic = new Map<string, { partition: number; offset: number }[]>();
    for (const task of tasks) {
      for (const { topic, partition, offset } of task.lastCommitted()) {
        if (!this.repartitionTopics.has(topic) || offset === undefined) continue;
        if (offset <= (this.purgedUpTo.get(topicPartitionKey({ topic, partition })) ?? 0)) continue;
        const partitions = byTopic.get(topic) ?? [];
        partitions.push({ partition, offset });
        byTopic.set(topic, partitions);
      }
    }
    if (byTopic.size === 0) return;
    this.lastPurge = this.now();
    this.inFlight = true;
    try {
      await Promise.all([...byTopic].map(([topic, partitions]) => this.purge(topic, partitions)));
    } finally {
      this.inFlight = false;
    }
  }

  private async purge(topic: string, partitions: readonly { partition: number; offset: number }[]): Promise<void> {
    try {
      await this.admin.deleteTopicRecords({ topic, partitions: partitions.map(({ partition, offset }) => ({ partition, offset: String(offset) })) });
      for (const { partition, offset } of partitions) this.purgedUpTo.set(topicPartitionKey({ topic, partition }), offset);
    } catch (error) {
      this.logger.warn(`Could not delete the committed records of repartition topic ${topic} (the next purge tries again): ${errorMessage(error)}`);
    }
  }
}
