import { StreamsException } from '../errors.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { TopologyPlan } from '../topology/internal/topology-plan.ts';

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
