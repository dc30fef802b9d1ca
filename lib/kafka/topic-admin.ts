import type { Admin, ITopicConfig } from 'kafkajs';
import { StreamsException } from '../errors.ts';

/** Partition counts of existing topics; topics that do not exist are absent from the map. */
export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const wanted = topics.filter((topic) => existing.has(topic));
  const counts = new Map<string, number>();
  if (wanted.length === 0) return counts;
  const metadata = await admin.fetchTopicMetadata({ topics: wanted });
  for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
  return counts;
}

/**
 * Creates the topics that do not exist yet, and checks that those that do have the partition
 * count asked for (a repartition topic with the wrong count would send keys to the wrong task).
 */
export async function ensureTopics(admin: Admin, topics: readonly ITopicConfig[]): Promise<void> {
  const counts = await partitionCounts(admin, topics.map((topic) => topic.topic));
  const missing = topics.filter((topic) => !counts.has(topic.topic));
  for (const topic of topics) {
    const count = counts.get(topic.topic);
    if (count !== undefined && topic.numPartitions !== undefined && count !== topic.numPartitions) {
      throw new StreamsException(`Internal topic ${topic.topic} exists with ${count} partitions, but the topology needs ${topic.numPartitions}; delete it or reset the application`);
    }
  }
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
}
