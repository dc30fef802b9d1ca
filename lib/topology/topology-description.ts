import { javaHashSetOrder } from './internal/java-hash-set-order.ts';
import { JavaTreeSet } from './internal/java-tree-set.ts';
import type { NodeDef } from './internal/node-defs.ts';
import type { TopologyGraph } from './internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from './internal/topology-plan.ts';

/** One node as `describe()` shows it. */
export interface NodeDescription {
  /** What kind of node it is. */
  readonly type: 'source' | 'processor' | 'sink';
  /** The node's name in the topology. */
  readonly name: string;
  /** The topics a source reads, as named in the topology (internal topics without the `<applicationId>-` prefix); sources only. */
  readonly topics?: readonly string[];
  /** The topic a sink writes; undefined for a sink whose topic a `TopicNameExtractor` picks, and for other nodes. */
  readonly topic?: string;
  /** The state stores a processor is connected to; processors only. */
  readonly stores?: readonly string[];
  /** The names of the nodes this one forwards to, in Kafka Streams' order; empty for a sink. */
  readonly successors: readonly string[];
  /** The names of the nodes that feed this one, in Kafka Streams' order; empty for a source. */
  readonly predecessors: readonly string[];
}

/** One sub-topology as `describe()` shows it: nodes connected to each other, but not to those of other sub-topologies. */
export interface SubtopologyDescription {
  /** The sub-topology's number, the first half of its task ids (`<id>_<partition>`). */
  readonly id: number;
  /** True for the sub-topology that feeds a global store (it creates no tasks). */
  readonly global: boolean;
  /** Its nodes in Kafka Streams' order: the node with the larger downstream sub-tree first, then by name. */
  readonly nodes: readonly NodeDescription[];
}

/**
 * What a topology is made of, printed like Kafka Streams' TopologyDescription so that the two
 * can be compared line by line, or drawn as a Mermaid flowchart.
 */
export class TopologyDescription {
  /** Every sub-topology, global ones included, by id. */
  readonly subtopologies: readonly SubtopologyDescription[];

  constructor(graph: TopologyGraph, plan: TopologyPlan) {
    this.subtopologies = [...plan.subTopologies, ...plan.globals].sort((a, b) => a.id - b.id).map((sub) => describeSubTopology(graph, sub));
  }

  /** The description as Kafka Streams' `TopologyDescription.toString()` prints it. */
  toString(): string {
    let text = 'Topologies:\n ';
    for (const sub of this.subtopologies) {
      text += `  Sub-topology: ${sub.id}${sub.global ? ' for global store (will not generate tasks)' : ''}\n`;
      for (const node of sub.nodes) text += `    ${nodeLine(node)}\n`;
      // As in Kafka Streams: a global store's block is not followed by a blank line.
      if (!sub.global) text += '\n';
    }
    return text;
  }

  /** A Mermaid flowchart: one subgraph per sub-topology, topics as stadium nodes, stores as cylinders. */
  toMermaid(): string {
    const lines = ['flowchart TD'];
    const id = (kind: string, name: string): string => `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const topics = new Set<string>();
    const stores = new Set<string>();
    for (const sub of this.subtopologies) {
      lines.push(`  subgraph sub${sub.id}["Sub-topology ${sub.id}${sub.global ? ' (global store)' : ''}"]`);
      for (const node of sub.nodes) lines.push(`    ${id('node', node.name)}["${node.type}: ${node.name}"]`);
      lines.push('  end');
      for (const node of sub.nodes) {
        for (const successor of node.successors) lines.push(`  ${id('node', node.name)} --> ${id('node', successor)}`);
        for (const topic of node.topics ?? []) {
          topics.add(topic);
          lines.push(`  ${id('topic', topic)} --> ${id('node', node.name)}`);
        }
        if (node.topic !== undefined) {
          topics.add(node.topic);
          lines.push(`  ${id('node', node.name)} --> ${id('topic', node.topic)}`);
        }
        for (const store of node.stores ?? []) {
          stores.add(store);
          lines.push(`  ${id('node', node.name)} -.- ${id('store', store)}`);
        }
      }
    }
    for (const topic of topics) lines.push(`  ${id('topic', topic)}(["${topic}"])`);
    for (const store of stores) lines.push(`  ${id('store', store)}[("${store}")]`);
    return lines.join('\n') + '\n';
  }
}

function nodeLine(node: NodeDescription): string {
  const list = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(', '));
  if (node.type === 'source') return `Source: ${node.name} (topics: [${node.topics!.join(', ')}])\n      --> ${list(node.successors)}`;
  if (node.type === 'sink') {
    const target = node.topic !== undefined ? `topic: ${node.topic}` : 'extractor class: function';
    return `Sink: ${node.name} (${target})\n      <-- ${list(node.predecessors)}`;
  }
  return `Processor: ${node.name} (stores: [${node.stores!.join(', ')}])\n      --> ${list(node.successors)}\n      <-- ${list(node.predecessors)}`;
}

/**
 * Nodes in Kafka Streams' order: larger downstream sub-tree first, then by name. Each node's
 * successors and predecessors are ordered as Kafka's InternalTopologyBuilder.describeSubtopology
 * leaves them: it links the nodes one by one (in `HashMap` order of their names, each to its
 * parents in the order they were given), growing sub-tree sizes as it goes, and inserts each link
 * into `TreeSet`s ordered by the sizes of that moment; replaying that gives the same lists.
 */
function describeSubTopology(graph: TopologyGraph, sub: SubTopology): SubtopologyDescription {
  const names = new Set(sub.nodes.map((node) => node.name));
  const size = new Map<string, number>([...names].map((name) => [name, 1]));
  const byKafkaOrder = (a: string, b: string): number => size.get(b)! - size.get(a)! || (a < b ? -1 : a > b ? 1 : 0);
  const successors = new Map<string, JavaTreeSet<string>>();
  const predecessors = new Map<string, JavaTreeSet<string>>();
  const setOf = (sets: Map<string, JavaTreeSet<string>>, name: string) => sets.get(name) ?? sets.set(name, new JavaTreeSet(byKafkaOrder)).get(name)!;
  const linked = new Map<string, string[]>();
  const grow = (name: string, delta: number): void => {
    size.set(name, size.get(name)! + delta);
    for (const parent of linked.get(name) ?? []) grow(parent, delta);
  };
  for (const name of javaHashSetOrder([...names])) {
    const node = graph.nodes.get(name)!;
    if (node.kind === 'source') continue;
    for (const parent of node.parents) {
      if (!names.has(parent)) continue;
      setOf(predecessors, name).add(parent);
      setOf(successors, parent).add(name);
      linked.set(name, [...(linked.get(name) ?? []), parent]);
      grow(parent, size.get(name)!);
    }
  }
  const nodes = [...sub.nodes].sort((a, b) => byKafkaOrder(a.name, b.name));
  const list = (sets: Map<string, JavaTreeSet<string>>, name: string) => sets.get(name)?.values() ?? [];
  return { id: sub.id, global: sub.global, nodes: nodes.map((node) => describeNode(node, list(successors, node.name), list(predecessors, node.name))) };
}

function describeNode(node: NodeDef, successors: string[], predecessors: string[]): NodeDescription {
  if (node.kind === 'source') return { type: 'source', name: node.name, topics: javaHashSetOrder(node.topics), successors, predecessors: [] };
  if (node.kind === 'sink') {
    return { type: 'sink', name: node.name, topic: typeof node.topic === 'string' ? node.topic : undefined, successors: [], predecessors };
  }
  return { type: 'processor', name: node.name, stores: javaHashSetOrder([...node.stores]), successors, predecessors };
}
