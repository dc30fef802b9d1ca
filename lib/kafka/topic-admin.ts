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
  const counts = await partitionCounts(
    admin,
    topics.map((topic) => topic.topic),
  );
  const missing = topics.filter((topic) => !counts.has(topic.topic));
  for (const topic of topics) {
    const count = counts.get(topic.topic);
    if (count !== undefined && topic.numPartitions !== undefined && count !== topic.numPartitions) {
      throw new StreamsException(
        `Internal topic ${topic.topic} exists with ${count} partitions, but the topology needs ${topic.numPartitions}; delete it or reset the application`,
      );
    }
  }
  if (missing.length > 0) await createTopicsAndWait(admin, missing);
  // Topics another instance has just created may not have leaders yet either.
  const existing = topics.filter((topic) => counts.has(topic.topic)).map((topic) => topic.topic);
  if (existing.length > 0) await waitForLeaders(admin, existing);
}

/**
 * Calls `call` again while it fails with an error kafkajs marks retriable (a partition whose
 * leader is not ready yet, a coordinator still loading), for up to `timeoutMs`.
 */
export async function whileRetriable<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Creates topics (those that exist already are left as they are) and waits until each of their
 * partitions has a leader. kafkajs' own `waitForLeaders` gives up on a metadata answer saying the
 * broker does not host the topic yet, which a KRaft broker may give right after creating it.
 */
export async function createTopicsAndWait(admin: Admin, topics: readonly ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  try {
    await admin.createTopics({ topics: [...topics], waitForLeaders: false });
  } catch (error) {
    const errors = (error as { errors?: { topic?: string; type?: string; message?: string }[] }).errors;
    if (!errors || errors.length === 0) throw error;
    // Another instance of the application created them first: they exist, which is all we want.
    const refused = errors.filter((e) => e.type !== 'TOPIC_ALREADY_EXISTS');
    if (refused.length > 0) {
      const asked = (name: string | undefined): string => {
        const topic = topics.find((t) => t.topic === name);
        const configs = Object.fromEntries((topic?.configEntries ?? []).map(({ name: config, value }) => [config, value]));
        return `replication factor ${topic?.replicationFactor ?? -1}, configs ${JSON.stringify(configs)}`;
      };
      throw new StreamsException(
        `The broker refused to create ${refused.map((e) => `topic ${e.topic} (${e.type}: ${e.message}; asked for ${asked(e.topic)})`).join(', ')}; ` +
          'check replicationFactor against the number of brokers, and the topic configs',
        { cause: error },
      );
    }
  }
  await waitForLeaders(
    admin,
    topics.map((topic) => topic.topic),
    timeoutMs,
  );
}

/**
 * Waits until every partition of `names` has a leader. Metadata answers that only mean a new
 * topic has not reached every part of the broker yet are retriable, and so is a missing leader.
 */
export async function waitForLeaders(admin: Admin, names: readonly string[], timeoutMs = 30_000): Promise<void> {
  try {
    await whileRetriable(async () => {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...names] });
      const leaderless = found
        .filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0))
        .map((topic) => topic.name);
      if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.join(', ')}`), { retriable: true });
    }, timeoutMs);
  } catch (error) {
    if ((error as { retriable?: boolean }).retriable !== true) throw error;
    throw new StreamsException(`Topics ${names.join(', ')} were not ready within ${timeoutMs} ms (${(error as Error).message})`, { cause: error });
  }
}
