import type { Message } from 'kafkajs';

// kafkajs 2.2.4 groups a produce request's messages per partition by copying the partition's
// array once per message, a cost that grows with the square of the request's size (23% of the
// CPU of a count benchmark). This groups them in one pass: same partitions, same order.

/** What kafkajs' producer passes to its per-partition grouping. */
export interface GroupingInput {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly Message[];
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: Message }) => number;
}

/** A request's messages by the partition the partitioner picks, each once, in order. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupingInput): Record<number, Message[]> {
  const grouped: Record<number, Message[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) (grouped[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return grouped;
}
