import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { StreamsException, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { helperGroupId } from './internal-topics.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';

/** One changelog partition to replay, from `from` (inclusive) to `to` (exclusive). */
export interface RestoreRequest {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
  apply(key: Buffer | null, value: Buffer | null): void;
}

const STALL_MS = 20_000;

/** Restoration progress of one changelog partition, reported after each batch of it is restored. */
export interface RestoreProgress {
  /** The changelog topic. */
  readonly topic: string;
  /** The changelog partition. */
  readonly partition: number;
  /** Records applied to the store so far. */
  readonly restored: number;
  /**
   * Offsets to restore: the end offset less the one restoring started from. Transaction markers
   * and compacted-away records count in it, so `restored` may end below it.
   */
  readonly total: number;
  /** Records restored per second since restoring started, rounded. */
  readonly recordsPerSecond: number;
  /** Whether the partition has been restored up to its end offset. */
  readonly done: boolean;
}

/**
 * Replays changelog partitions into stores. kafkajs has no manual partition assignment, so a
 * consumer in a group of its own subscribes to the changelog topics, seeks each wanted partition
 * to its start, pauses the others, and stops once every wanted partition reached its end offset.
 * Control records (transaction markers) count towards the end, so exactly-once changelogs finish too.
 */
export async function restoreChangelogs(
  kafka: Kafka,
  applicationId: string,
  requests: readonly RestoreRequest[],
  logger: Logger,
  onProgress: (progress: RestoreProgress) => void,
): Promise<void> {
  const pending = requests.filter((request) => request.from < request.to);
  if (pending.length === 0) return;
  const byPartition = new Map(pending.map((request) => [topicPartitionKey(request), { request, restored: 0, position: request.from }]));
  const started = Date.now();
  const consumer = kafka.consumer({
    groupId: helperGroupId(applicationId, 'restore', randomUUID()),
    maxWaitTimeInMs: 50,
    // A fetch's decoded records outlive a scavenge while they are applied and pile up in the old
    // generation: 256 KB fetches restore as fast as 1 MB ones with a quarter of them alive at once
    // (bench/restore at 1,000,000 entries: peak RSS over the start about 150 MB instead of 300 MB).
    maxBytesPerPartition: 256 * 1024,
    // A crash fails this restore (the task restorer tries again with a fresh consumer). Restarted
    // by kafkajs instead, the consumer could come back after the disconnect below and run on,
    // unowned, retrying for ever once its broker is gone.
    retry: { restartOnFailure: async () => false },
  });
  let finish!: () => void;
  let abort!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    abort = reject;
  });
  let left = byPartition.size;
  let lastProgress = Date.now();
  const advance = (topic: string, partition: number, lastOffset: number): void => {
    lastProgress = Date.now();
    const state = byPartition.get(topicPartitionKey({ topic, partition }));
    if (!state || state.position >= state.request.to) return;
    state.position = Math.max(state.position, lastOffset + 1);
    const done = state.position >= state.request.to;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    onProgress({
      topic,
      partition,
      restored: state.restored,
      total: state.request.to - state.request.from,
      recordsPerSecond: Math.round(state.restored / seconds),
      done,
    });
    if (done && --left === 0) finish();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => advance(payload.topic, payload.partition, Number(payload.lastOffset)));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) abort(payload.error);
  });
  try {
    await consumer.connect();
    const topics = [...new Set(pending.map((request) => request.topic))];
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const state = byPartition.get(topicPartitionKey(batch));
        if (!state) return;
        const messages = batch.messages as KafkaMessage[];
        if (messages.length === 0) return;
        // A fetch from before the seek landed may still arrive: only the wanted range counts.
        // Offsets ascend within a fetch, so a fetch whose ends are in range is in range throughout.
        const { from, to } = state.request;
        const inRange = Number(messages[0]!.offset) >= from && Number(messages[messages.length - 1]!.offset) < to;
        let applied = 0;
        for (const message of messages) {
          if (!inRange) {
            const offset = Number(message.offset);
            if (offset < from || offset >= to) continue;
          }
          state.request.apply(message.key, message.value);
          state.restored++;
          // Yield now and then: the main consumer's heartbeats must not starve during a long restore.
          if (++applied % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      },
    });
    for (const { request } of byPartition.values()) consumer.seek({ topic: request.topic, partition: request.partition, offset: String(request.from) });
    const wanted = new Map<string, Set<number>>();
    for (const { request } of byPartition.values()) wanted.set(request.topic, (wanted.get(request.topic) ?? new Set()).add(request.partition));
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of topics) {
        const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition).filter((p) => !wanted.get(topic)!.has(p));
        if (partitions.length > 0) consumer.pause([{ topic, partitions }]);
      }
    } finally {
      await admin.disconnect();
    }
    // A restore consumer that stops making progress (a join that never settles) is given up, so
    // that the caller can start over with a fresh one instead of leaving the task stuck.
    const stall = setInterval(() => {
      if (Date.now() - lastProgress > STALL_MS) abort(Object.assign(new Error(`no progress for ${STALL_MS / 1000} s`), { retriable: true }));
    }, 1000);
    try {
      await finished;
    } finally {
      clearInterval(stall);
    }
    const seconds = (Date.now() - started) / 1000;
    const total = [...byPartition.values()].reduce((sum, state) => sum + state.restored, 0);
    logger.info(`Restored ${total} records from [${topics.join(', ')}] in ${seconds.toFixed(1)} s (${Math.round(total / Math.max(seconds, 0.001))} records/s)`);
  } catch (error) {
    throw new StreamsException(`Restoring changelogs failed: ${errorMessage(error)}`, { cause: error });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}
