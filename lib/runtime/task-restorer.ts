import type { Admin, Kafka } from 'kafkajs';
import { StreamsException, errorMessage } from '../errors.ts';
import { isRecoverable } from './task-health.ts';
import type { Logger } from '../logger.ts';
import { whileRetriable } from '../kafka/topic-admin.ts';
import { restoreChangelogs, type RestoreProgress } from './changelog-restorer.ts';
import type { Committer } from './committer.ts';
import { decodeStreamTime, type RuntimeTask } from './runtime-task.ts';
import { OUTAGE_RETRY_MAX_BACKOFF_MS } from '../kafka/transient-errors.ts';

export interface TaskRestorerOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly applicationId: string;
  readonly exactlyOnce: boolean;
  readonly committer: Committer;
  readonly logger: Logger;
  readonly onProgress: (progress: RestoreProgress & { taskId: string }) => void;
  /** False once the thread stops: a failed restore is then not tried again. */
  readonly running: () => boolean;
  /** How long a restore may keep failing for reasons that can pass before it gives up (taskTimeoutMs). */
  readonly taskTimeoutMs: number;
}

/** Waits between attempts of a restore that failed for a reason that can pass: 0.5 s, then 1 s (so it goes on within a second of the broker's return). */
const RETRY_BACKOFF_MS = [500, OUTAGE_RETRY_MAX_BACKOFF_MS];

/**
 * Brings a new active task to where its previous owner left it, before its first record: fences
 * that owner (exactly-once), reads the committed offsets and stream time, loads the stores from
 * Keyv, then replays the changelogs' tails. A task made from a standby skips Keyv: its stores
 * are current up to the standby's positions, and only what came after is replayed.
 *
 * A broker or a Keyv backend that cannot be reached does not fail the task at once: the restore
 * starts over (it is idempotent) until it has failed for `taskTimeoutMs`, as Kafka Streams
 * retries a task through `task.timeout.ms`.
 */
export class TaskRestorer {
  constructor(private readonly options: TaskRestorerOptions) {}

  async restore(task: RuntimeTask, sourceTopics: readonly string[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.restoreOnce(task, sourceTopics);
        task.restoreWaiting = undefined;
        return;
      } catch (error) {
        const failingFor = Date.now() - started;
        if (!this.options.running() || !isRecoverable(error)) throw error;
        if (failingFor > this.options.taskTimeoutMs) {
          throw new StreamsException(
            `Task ${task.id} could not be restored for ${failingFor} ms, longer than taskTimeoutMs (${this.options.taskTimeoutMs}); ` +
              `last error: ${errorMessage(error)}`,
            {
              cause: error,
              location: { taskId: task.id },
            },
          );
        }
        const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)]!;
        this.options.logger.warn(
          `Restoring task ${task.id} failed (${errorMessage(error)}); trying again in ${wait} ms ` +
            `(failing for ${failingFor} ms of taskTimeoutMs ${this.options.taskTimeoutMs})`,
        );
        // Kept through the next attempt: a liveness check meanwhile names this error, not a stall.
        task.restoreWaiting = errorMessage(error);
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (!this.options.running()) throw error;
      }
    }
  }

  private async restoreOnce(task: RuntimeTask, sourceTopics: readonly string[]): Promise<void> {
    const { admin, applicationId, exactlyOnce } = this.options;
    // Exactly-once: fencing waits for the previous owner's last transaction to finish, so the
    // committed offsets read next are stable.
    await this.options.committer.taskCreated(task);
    const partition = task.task.options.partition;
    for (const committed of await whileRetriable(() => admin.fetchOffsets({ groupId: applicationId, topics: [...sourceTopics] }))) {
      const position = committed.partitions.find((p) => p.partition === partition);
      const offset = Number(position?.offset ?? -1);
      if (offset >= 0) task.knowCommitted(committed.topic, partition, offset, exactlyOnce);
      // Stream time goes on from where the previous owner left it, as Kafka Streams keeps it.
      task.task.context.advanceStreamTime(decodeStreamTime(position?.metadata));
    }
    // Where each input partition starts and ends: until it fetches a partition, the task knows
    // from this whether records are there to wait for (its partition group orders by timestamp).
    for (const topic of sourceTopics) {
      const offsets = await whileRetriable(() => admin.fetchTopicOffsets(topic));
      const own = offsets.find((o) => o.partition === partition);
      if (own) task.knowInputRange(topic, partition, Number(own.low), Number(own.high));
    }
    const replayFrom = task.stores.recycled ? task.stores.positions() : await task.stores.load(exactlyOnce);
    if (replayFrom.size === 0) return;
    const fromSource = task.stores.sourceChangelogTopics();
    const requests = [];
    for (const [topic, from] of replayFrom) {
      // A source topic serving as changelog is replayed up to the committed input offset only:
      // what comes after it is processed (again) as input.
      const end = fromSource.has(topic) ? await this.committedOffset(topic, partition) : await this.endOffset(topic, partition);
      requests.push({ topic, partition, from, to: end, apply: (key: Buffer | null, value: Buffer | null) => task.stores.restore(topic, key, value) });
    }
    await restoreChangelogs(this.options.kafka, applicationId, requests, this.options.logger, (progress) => {
      task.lastProgress = Date.now();
      this.options.onProgress({ ...progress, taskId: task.id });
    });
    for (const request of requests) task.stores.restoredTo(request.topic, request.to);
  }

  private async endOffset(topic: string, partition: number): Promise<number> {
    // A changelog another instance has just created may not have a leader yet: ask again.
    const offsets = await whileRetriable(() => this.options.admin.fetchTopicOffsets(topic));
    return Number(offsets.find((o) => o.partition === partition)?.high ?? 0);
  }

  private async committedOffset(topic: string, partition: number): Promise<number> {
    const [committed] = await whileRetriable(() => this.options.admin.fetchOffsets({ groupId: this.options.applicationId, topics: [topic] }));
    return Math.max(0, Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? 0));
  }
}
