import { TopologyException } from '../../errors.ts';
import type { NodeDef, SourceNodeDef } from './node-defs.ts';
import type { TopologyGraph } from './topology-graph.ts';

/** A connected part of the graph: one task per input partition runs it. */
export interface SubTopology {
  readonly id: number;
  readonly nodes: readonly NodeDef[];
  readonly sources: readonly SourceNodeDef[];
  readonly sourceTopics: readonly string[];
  /** Topics its sinks write to, where the sink names a fixed topic. */
  readonly sinkTopics: readonly string[];
  readonly stores: readonly string[];
  readonly global: boolean;
}

/** The graph split into sub-topologies, ordered as Kafka Streams numbers them. */
export interface TopologyPlan {
  readonly subTopologies: readonly SubTopology[];
  readonly globals: readonly SubTopology[];
  readonly subTopologyByTopic: ReadonlyMap<string, SubTopology>;
}

/**
 * Splits the graph at topics: nodes joined by an edge or by a shared store run in the same task.
 * Throws when a sub-topology reads, through any chain of topics, what it writes.
 */
export function planTopology(graph: TopologyGraph): TopologyPlan {
  const order = [...graph.nodes.keys()];
  const parentOf = new Map<string, string>(order.map((name) => [name, name]));
  const find = (name: string): string => {
    let root = name;
    while (parentOf.get(root) !== root) root = parentOf.get(root)!;
    parentOf.set(name, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parentOf.set(order.indexOf(ra) < order.indexOf(rb) ? rb : ra, order.indexOf(ra) < order.indexOf(rb) ? ra : rb);
  };
  for (const node of graph.nodes.values()) for (const child of node.children) union(node.name, child);
  for (const store of graph.stores.values()) {
    const [first, ...rest] = [...store.processors];
    for (const other of rest) union(first!, other);
  }

  const groups = new Map<string, NodeDef[]>();
  for (const name of order) {
    const root = find(name);
    const group = groups.get(root) ?? [];
    group.push(graph.nodes.get(name)!);
    groups.set(root, group);
  }

  const subTopologies: SubTopology[] = [];
  const globals: SubTopology[] = [];
  let nextId = 0;
  for (const nodes of groups.values()) {
    const global = nodes.some((node) => graph.globalNodes.has(node.name));
    const sources = nodes.filter((node): node is SourceNodeDef => node.kind === 'source');
    const stores = new Set<string>();
    for (const node of nodes) if (node.kind === 'processor') for (const store of node.stores) stores.add(store);
    for (const [name, store] of graph.stores) if (store.global && nodes.some((n) => n.kind === 'processor' && store.processors.has(n.name))) stores.add(name);
    const sub: SubTopology = {
      id: nextId++,
      nodes,
      sources,
      sourceTopics: sources.flatMap((source) => source.topics),
      sinkTopics: nodes.flatMap((node) => (node.kind === 'sink' && typeof node.topic === 'string' ? [node.topic] : [])),
      stores: [...stores],
      global,
    };
    (global ? globals : subTopologies).push(sub);
  }

  const subTopologyByTopic = new Map<string, SubTopology>();
  for (const sub of [...subTopologies, ...globals]) for (const topic of sub.sourceTopics) subTopologyByTopic.set(topic, sub);
  assertNoTopicCycle(subTopologies, subTopologyByTopic, (topic) => graph.internalTopics.has(topic));
  return { subTopologies, globals, subTopologyByTopic };
}

/**
 * A loop through a user topic feeds records back forever; one made only of internal topics is
 * the DSL's own doing (a foreign-key join asks and answers through two) and ends by design.
 */
function assertNoTopicCycle(subTopologies: readonly SubTopology[], byTopic: ReadonlyMap<string, SubTopology>, isInternal: (topic: string) => boolean): void {
  const state = new Map<number, 'visiting' | 'done'>();
  // The sub-topologies being visited, and the topic each one writes to reach the next.
  const stack: SubTopology[] = [];
  const via: string[] = [];
  const visit = (sub: SubTopology): void => {
    if (state.get(sub.id) === 'done') return;
    state.set(sub.id, 'visiting');
    stack.push(sub);
    for (const topic of sub.sinkTopics) {
      const next = byTopic.get(topic);
      if (next === undefined || next.global) continue;
      if (state.get(next.id) === 'visiting') {
        // Name the cycle exactly: from the topic that re-enters `next`, around to it again.
        const loop = [topic, ...via.slice(stack.indexOf(next)), topic];
        if (loop.every(isInternal)) continue;
        const reader = next === sub ? 'its own input' : `the input of sub-topology ${next.id}, upstream of it`;
        throw new TopologyException(
          `cycle through topics ${loop.join(' -> ')}: sub-topology ${sub.id} writes to topic ${topic}, ` +
            `which is ${reader}; write to a topic the topology does not read`,
        );
      }
      via.push(topic);
      visit(next);
      via.pop();
    }
    stack.pop();
    state.set(sub.id, 'done');
  };
  for (const sub of subTopologies) visit(sub);
}
