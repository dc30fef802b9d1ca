import type { RecordMetadata } from 'kafkajs';
import { toTopicMessages } from '../kafka/kafka-records.ts';
import { NO_HEADERS, type ProducedRecord, type RecordHeaders } from '../processor/record.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';

type BatchSender = { sendBatch(batch: { topicMessages: ReturnType<typeof toTopicMessages>; acks?: number }): Promise<RecordMetadata[]> };

// One request holds at most this many records and about this many bytes: the broker refuses a
// partition's batch over its max message size (1 MB by default), and a bounded request keeps
// latency bounded. (Stock kafkajs regroups a request's messages at a cost that grows with the
// square of their number; lib/kafka/kafkajs.ts makes that linear, so bigger requests pay off.)
const MAX_RECORDS = 8000;
const MAX_BYTES = 960 * 1024;

const byteLength = (bytes: Buffer | string | null | undefined): number =>
  bytes == null ? 0 : typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;

// A header costs its name, its value and a few bytes of lengths; headers can be as large as values.
function headersSize(headers: RecordHeaders): number {
  if (headers === NO_HEADERS) return 0;
  let size = 0;
  for (const name in headers) {
    const value = headers[name];
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) size += Buffer.byteLength(name) + byteLength(one) + 8;
  }
  return size;
}

const sizeOf = (record: ProducedRecord<unknown, unknown>): number =>
  byteLength(record.key as Buffer | null) + byteLength(record.value as Buffer | null) + headersSize(record.headers) + 64;

/**
 * Sends records in order, in requests of bounded size, with acks from all replicas; returns the
 * last offset written per `topic:partition` of records that named their partition (changelogs
 * do), for checkpoints.
 */
export async function sendRecords(sender: BatchSender, records: readonly ProducedRecord<unknown, unknown>[]): Promise<Map<string, number>> {
  const lastOffsets = new Map<string, number>();
  for (let start = 0; start < records.length;) {
    let end = start;
    let bytes = 0;
    while (end < records.length && end - start < MAX_RECORDS && (end === start || bytes + sizeOf(records[end]!) <= MAX_BYTES)) bytes += sizeOf(records[end++]!);
    const chunk = records.slice(start, end);
    start = end;
    // Records per partition, by topic then partition (no string key per record).
    const counts = new Map<string, number[]>();
    for (const record of chunk) {
      if (record.partition === undefined) continue;
      let perPartition = counts.get(record.topic);
      if (!perPartition) counts.set(record.topic, (perPartition = []));
      perPartition[record.partition] = (perPartition[record.partition] ?? 0) + 1;
    }
    const metadata = await sender.sendBatch({ topicMessages: toTopicMessages(chunk), acks: -1 });
    for (const entry of metadata) {
      const count = counts.get(entry.topicName)?.[entry.partition];
      if (count !== undefined && entry.baseOffset !== undefined) {
        lastOffsets.set(topicPartitionKey({ topic: entry.topicName, partition: entry.partition }), Number(entry.baseOffset) + count - 1);
      }
    }
  }
  return lastOffsets;
}
