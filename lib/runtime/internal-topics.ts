import { StreamsException, TopologyException } from '../errors.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';

// Every name the runtime gives to something on the broker, in one place.

/** A store's compacted changelog topic. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** A topology's internal topic (repartition, or a foreign-key join's) as named on the broker. */
export function internalTopicName(applicationId: string, name: string): string {
  return `${applicationId}-${name}`;
}

/** A task's transactional id under exactly-once: a new owner's producer fences the old one's. */
export function transactionalId(applicationId: string, taskId: string): string {
  return `${applicationId}-${taskId}`;
}

/** The group of a helper consumer (restore, standby, global) that reads on its own, never committing. */
export function helperGroupId(applicationId: string, purpose: 'restore' | 'standby' | 'global', instance: string): string {
  return `${applicationId}-${purpose}-${instance}`;
}

/** A stream thread's name, as Kafka Streams names them. */
export function streamThreadName(applicationId: string, processId: string, index: number): string {
  return `${applicationId}-${processId}-StreamThread-${index}`;
}

/**
 * Partition counts for the repartition topics: the count the user set, or else the largest
 * partition count among the source topics of the sub-topology that writes the topic (resolved
 * upstream first, as Kafka Streams does), so that no input partition's keys are squeezed.
 */
export function repartitionTopicPartitions(graph: TopologyGraph, plan: TopologyPlan, sourceCounts: ReadonlyMap<string, number>): Map<string, number> {
  const counts = new Map<string, number>();
  const resolving = new Set<string>();
  const countOf = (topic: string): number => {
    const known = counts.get(topic) ?? sourceCounts.get(topic);
    if (known !== undefined) return known;
    const config = graph.internalTopics.get(topic);
    if (config === undefined) throw new StreamsException(`Source topic ${topic} does not exist; create it before starting the application`);
    if (config.numberOfPartitions !== undefined) {
      counts.set(topic, config.numberOfPartitions);
      return config.numberOfPartitions;
    }
    // A repartition topic feeding a join takes the partition count of the topics it is joined with.
    const reader = plan.subTopologyByTopic.get(topic);
    if (reader && isCopartitioned(graph, reader)) {
      const joined = reader.sourceTopics.flatMap((t) => (graph.internalTopics.has(t) ? [] : [sourceCounts.get(t)!].filter((c) => c !== undefined)));
      if (joined.length > 0) {
        counts.set(topic, Math.max(...joined));
        return counts.get(topic)!;
      }
    }
    if (resolving.has(topic)) throw new StreamsException(`Cannot size repartition topic ${topic}: it depends on itself`);
    resolving.add(topic);
    const writers = plan.subTopologies.filter((sub) => sub.sinkTopics.includes(topic));
    const count = Math.max(1, ...writers.flatMap((sub) => sub.sourceTopics.map(countOf)));
    resolving.delete(topic);
    counts.set(topic, count);
    return count;
  };
  for (const topic of graph.internalTopics.keys()) countOf(topic);
  return counts;
}

function isCopartitioned(graph: TopologyGraph, sub: SubTopology): boolean {
  return sub.nodes.some((node) => graph.copartitionedNodes.has(node.name));
}

/**
 * A join reads its sides from one task per partition, so the topics it reads must have as many
 * partitions each; otherwise equal keys would meet in different tasks and never join.
 */
export function assertCopartitioned(graph: TopologyGraph, plan: TopologyPlan, counts: ReadonlyMap<string, number>): void {
  for (const sub of plan.subTopologies) {
    if (!isCopartitioned(graph, sub)) continue;
    const sized = sub.sourceTopics.map((topic) => ({ topic, partitions: counts.get(topic) }));
    if (new Set(sized.map((s) => s.partitions)).size > 1) {
      throw new TopologyException(
        `topics [${sized.map((s) => `${s.topic} (${s.partitions} partitions)`).join(', ')}] are joined but not co-partitioned; ` +
          `give them the same number of partitions, or repartition one side (KStream.repartition({ numberOfPartitions }))`,
      );
    }
  }
}
