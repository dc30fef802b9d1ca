import type { RecordMetadata } from 'kafkajs';
import { toTopicMessages } from '../kafka/kafka-records.ts';
import type { ProducedRecord } from '../processor/record.ts';

type BatchSender = { sendBatch(batch: { topicMessages: ReturnType<typeof toTopicMessages>; acks?: number }): Promise<RecordMetadata[]> };

/**
 * Sends records in one batch with acks from all replicas and returns the last offset written
 * per `topic:partition` of records that named their partition (changelogs do), for checkpoints.
 */
export async function sendRecords(sender: BatchSender, records: readonly ProducedRecord<unknown, unknown>[]): Promise<Map<string, number>> {
  const lastOffsets = new Map<string, number>();
  if (records.length === 0) return lastOffsets;
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.partition === undefined) continue;
    const key = `${record.topic}:${record.partition}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const metadata = await sender.sendBatch({ topicMessages: toTopicMessages(records), acks: -1 });
  for (const entry of metadata) {
    const key = `${entry.topicName}:${entry.partition}`;
    const count = counts.get(key);
    if (count !== undefined && entry.baseOffset !== undefined) lastOffsets.set(key, Number(entry.baseOffset) + count - 1);
  }
  return lastOffsets;
}
