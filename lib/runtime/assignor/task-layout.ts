import type { TopicPartition } from '../../kafka/topic-partition.ts';

/** A sub-topology as the assignor sees it: its topics, already named as on the broker. */
export interface SubTopologyTopics {
  readonly id: number;
  readonly sourceTopics: readonly string[];
  /** The changelogs of its stores (a source topic serving as one included). */
  readonly changelogTopics: readonly string[];
  /** True when the sub-topology has state stores, logged or not. */
  readonly stateful: boolean;
}

/** One task: a sub-topology on one partition number of its topics. */
export interface TaskLayout {
  readonly id: string;
  readonly subTopology: number;
  readonly partition: number;
  /** Partition `partition` of each source topic that has it: assigned together, to one member. */
  readonly sourcePartitions: readonly TopicPartition[];
  readonly changelogPartitions: readonly TopicPartition[];
  readonly stateful: boolean;
}

export function taskId(subTopology: number, partition: number): string {
  return `${subTopology}_${partition}`;
}

/**
 * The tasks of a topology, as Kafka Streams' partition grouper makes them: a sub-topology has one
 * task per partition of its widest source topic, and task `s_p` reads partition p of each of its
 * source topics (co-partitioned topics have equally many).
 */
export function taskLayout(subTopologies: readonly SubTopologyTopics[], partitionCount: (topic: string) => number | undefined): Map<string, TaskLayout> {
  const tasks = new Map<string, TaskLayout>();
  for (const sub of subTopologies) {
    const counts = sub.sourceTopics.map((topic) => ({ topic, count: partitionCount(topic) ?? 0 }));
    const width = Math.max(0, ...counts.map((c) => c.count));
    for (let partition = 0; partition < width; partition++) {
      const id = taskId(sub.id, partition);
      tasks.set(id, {
        id,
        subTopology: sub.id,
        partition,
        sourcePartitions: counts.filter((c) => partition < c.count).map(({ topic }) => ({ topic, partition })),
        changelogPartitions: sub.changelogTopics.map((topic) => ({ topic, partition })),
        stateful: sub.stateful,
      });
    }
  }
  return tasks;
}
