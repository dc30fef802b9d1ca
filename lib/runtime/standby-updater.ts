import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { StreamsException, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { StandbyMetrics } from '../metrics/standby-metrics.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';
import { helperGroupId } from './internal-topics.ts';
import type { StandbyTask } from './standby-task.ts';

interface Followed {
  readonly task: StandbyTask;
  readonly topic: string;
  readonly partition: number;
}

/**
 * Keeps a thread's standby tasks up to date: one consumer, in a group of its own (kafkajs has no
 * manual assignment), subscribed to every changelog topic of the topology, with each wanted
 * partition sought to its standby's position and every other partition paused. It never stops
 * on its own: standbys follow their changelogs until they are dropped or made active.
 */
export class StandbyUpdater {
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  private readonly followed = new Map<string, Followed>();
  /** Standbys added and not removed: one removed while its stores were loading is not followed. */
  private readonly wanted = new Set<StandbyTask>();
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly applicationId: string,
    private readonly changelogTopics: readonly string[],
    private readonly partitionCount: (topic: string) => number,
    private readonly exactlyOnce: boolean,
    private readonly logger: Logger,
    private readonly onFailure: (error: StreamsException) => void,
    private readonly metrics: StandbyMetrics,
  ) {}

  /** Starts following the task's changelogs from where its stores are. */
  async add(task: StandbyTask): Promise<void> {
    this.wanted.add(task);
    const positions = await task.ready;
    if (this.closed || !this.wanted.has(task)) return;
    await this.start();
    if (!this.wanted.has(task)) return;
    const consumer = this.consumer!;
    for (const [topic, next] of positions) {
      const partition = task.partition;
      this.followed.set(topicPartitionKey({ topic, partition }), { task, topic, partition });
      consumer.seek({ topic, partition, offset: String(next) });
      consumer.resume([{ topic, partitions: [partition] }]);
    }
  }

  /** Stops following the task's changelogs; its stores stay as they are. */
  remove(task: StandbyTask): void {
    this.wanted.delete(task);
    this.metrics.removed(task.id);
    for (const [key, followed] of this.followed) {
      if (followed.task !== task) continue;
      this.followed.delete(key);
      this.consumer?.pause([{ topic: followed.topic, partitions: [followed.partition] }]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => {});
    await this.consumer?.disconnect().catch(() => {});
  }

  private start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    const consumer = (this.consumer = this.kafka.consumer({
      groupId: helperGroupId(this.applicationId, 'standby', randomUUID()),
      maxWaitTimeInMs: 100,
      readUncommitted: !this.exactlyOnce,
      // Not once closed: a restart racing close()'s disconnect would leave it running, unowned.
      retry: { restartOnFailure: async () => !this.closed },
    }));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.closed)
        this.onFailure(new StreamsException(`The standby consumer crashed: ${errorMessage(payload.error)}`, { cause: payload.error }));
    });
    // Control records (transaction markers) move a standby's position too, as they move a restore's.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const followed = this.followed.get(topicPartitionKey(payload));
      if (followed) followed.task.stores.restoredTo(followed.topic, Number(payload.lastOffset) + 1);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.changelogTopics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const followed = this.followed.get(topicPartitionKey(batch));
        if (!followed) return;
        // A fetch from before the seek landed may still arrive: what the stores have is skipped.
        const next = followed.task.stores.positions().get(followed.topic) ?? 0;
        const messages = batch.messages as KafkaMessage[];
        // Offsets ascend within a fetch: from its first record on, every one is new.
        const allNew = messages.length > 0 && Number(messages[0]!.offset) >= next;
        let applied = 0;
        for (const message of messages) {
          if (!allNew && Number(message.offset) < next) continue;
          followed.task.stores.restore(followed.topic, message.key, message.value);
          applied++;
        }
        this.metrics.updated(followed.task.id, applied);
      },
    });
    for (const topic of this.changelogTopics) {
      const partitions = Array.from({ length: this.partitionCount(topic) }, (_, partition) => partition);
      consumer.pause([{ topic, partitions: partitions.filter((partition) => !this.followed.has(topicPartitionKey({ topic, partition }))) }]);
    }
    this.logger.debug(`Standby updater following [${this.changelogTopics.join(', ')}]`);
  }
}
