import type { Admin, Kafka } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { whileRetriable } from '../kafka/topic-admin.ts';
import { restoreChangelogs, type RestoreProgress } from './changelog-restorer.ts';
import type { Committer } from './committer.ts';
import { decodeStreamTime, type RuntimeTask } from './runtime-task.ts';

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
}

/**
 * Brings a new active task to where its previous owner left it, before its first record: fences
 * that owner (exactly-once), reads the committed offsets and stream time, loads the stores from
 * Keyv, then replays the changelogs' tails. A task made from a standby skips Keyv: its stores
 * are current up to the standby's positions, and only what came after is replayed.
 */
export class TaskRestorer {
  constructor(private readonly options: TaskRestorerOptions) {}

  async restore(task: RuntimeTask, sourceTopics: readonly string[]): Promise<void> {
    const { admin, applicationId, exactlyOnce } = this.options;
    // Exactly-once: fencing waits for the previous owner's last transaction to finish, so the
    // committed offsets read next are stable.
    await this.options.committer.taskCreated(task);
    const partition = task.task.options.partition;
    for (const committed of await whileRetriable(() => admin.fetchOffsets({ groupId: applicationId, topics: [...sourceTopics] }))) {
      const position = committed.partitions.find((p) => p.partition === partition);
      const offset = Number(position?.offset ?? -1);
      if (offset >= 0 && exactlyOnce) task.startAt(committed.topic, partition, offset);
      // Stream time goes on from where the previous owner left it, as Kafka Streams keeps it.
      task.task.context.advanceStreamTime(decodeStreamTime(position?.metadata));
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
    // Replaying is idempotent (upserts in offset order), so a stalled restore simply starts over.
    for (let attempt = 1; ; attempt++) {
      try {
        await restoreChangelogs(this.options.kafka, applicationId, requests, this.options.logger, (progress) => this.options.onProgress({ ...progress, taskId: task.id }));
        break;
      } catch (error) {
        if (attempt >= 3 || !this.options.running()) throw error;
        this.options.logger.warn(`Restoring task ${task.id} failed (${errorMessage(error)}); trying again (${attempt + 1} of 3)`);
      }
    }
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
