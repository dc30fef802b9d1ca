/** One partition of one topic: the unit Kafka assigns, fetches and commits. */
export interface TopicPartition {
  /** The topic's name. */
  readonly topic: string;
  /** The partition's number, from 0. */
  readonly partition: number;
}

/** A map key for a partition (values, not strings, travel everywhere else). */
export function topicPartitionKey({ topic, partition }: TopicPartition): string {
  return `${topic}:${partition}`;
}

/** Orders by topic name, then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
