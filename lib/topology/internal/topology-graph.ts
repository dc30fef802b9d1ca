import { TopologyException } from '../../errors.ts';
import type { StateStore } from '../../state/state-store.ts';
import type { StoreBuilder } from '../../state/store-builder.ts';
import type { NodeDef, ProcessorNodeDef, SinkNodeDef, SourceNodeDef } from './node-defs.ts';

export interface StoreRegistration {
  readonly builder: StoreBuilder<StateStore>;
  readonly processors: Set<string>;
  readonly global: boolean;
  /**
   * How long a DSL window, session or join store keeps what it holds (Kafka's `retentionPeriod()`
   * of a window store): its changelog deletes records older than that plus a margin, as well as
   * compacting. Undefined for stores that keep every key until it is deleted.
   */
  readonly windowRetentionMs?: number;
}

/** An internal topic the topology reads and writes; its real name is `<applicationId>-<name>`. */
export interface InternalTopicConfig {
  readonly name: string;
  readonly numberOfPartitions?: number;
}

/**
 * The processor graph behind a Topology: nodes in the order they were added, the stores and
 * which processors use them, and the internal topics. The DSL and the Processor API both write
 * here; the task compiler, the driver and the runtime read it.
 */
export class TopologyGraph {
  readonly nodes = new Map<string, NodeDef>();
  readonly sourceByTopic = new Map<string, string>();
  readonly stores = new Map<string, StoreRegistration>();
  /** Names of the source and processor nodes that feed global stores. */
  readonly globalNodes = new Set<string>();
  readonly internalTopics = new Map<string, InternalTopicConfig>();
  /** Join nodes: the sub-topology holding one reads co-partitioned topics (equal partition counts). */
  readonly copartitionedNodes = new Set<string>();
  /** Stores whose source topic serves as their changelog (`optimization: 'all'`), by store name. */
  readonly sourceChangelogs = new Map<string, string>();

  addSource(node: SourceNodeDef, global = false): void {
    this.assertNewName(node.name);
    if (node.topics.length === 0) throw new TopologyException(`Source ${node.name} needs at least one topic`);
    for (const [index, topic] of node.topics.entries()) {
      if (!topic) throw new TopologyException(`Source ${node.name} has an empty topic name`);
      // Kafka Streams rejects a topic listed twice as it rejects one read by two sources.
      if (node.topics.indexOf(topic) !== index) throw new TopologyException(`Topic ${topic} is listed twice by source ${node.name}`);
      const owner = this.sourceByTopic.get(topic);
      if (owner !== undefined) {
        throw new TopologyException(`Topic ${topic} has already been registered by source ${owner}; source ${node.name} cannot read it too`);
      }
    }
    for (const topic of node.topics) this.sourceByTopic.set(topic, node.name);
    this.nodes.set(node.name, node);
    if (global) this.globalNodes.add(node.name);
  }

  addProcessor(node: ProcessorNodeDef, global = false): void {
    this.assertNewName(node.name);
    this.connectParents(node.name, node.parents);
    this.nodes.set(node.name, node);
    if (global) this.globalNodes.add(node.name);
  }

  addSink(node: SinkNodeDef): void {
    this.assertNewName(node.name);
    if (typeof node.topic === 'string' && !node.topic) throw new TopologyException(`Sink ${node.name} has an empty topic name`);
    this.connectParents(node.name, node.parents);
    this.nodes.set(node.name, node);
  }

  addStore(builder: StoreBuilder<StateStore>, global: boolean, windowRetentionMs?: number): void {
    if (this.stores.has(builder.name)) throw new TopologyException(`StateStore ${builder.name} is already added`);
    this.stores.set(builder.name, { builder, processors: new Set(), global, ...(windowRetentionMs === undefined ? {} : { windowRetentionMs }) });
  }

  connectStore(processorName: string, storeName: string): void {
    const node = this.nodes.get(processorName);
    if (node === undefined) throw new TopologyException(`Processor ${processorName} is not added yet, so store ${storeName} cannot be connected to it`);
    if (node.kind !== 'processor')
      throw new TopologyException(`StateStore ${storeName} can only be connected to a processor, and ${processorName} is a ${node.kind}`);
    const store = this.stores.get(storeName);
    if (store === undefined)
      throw new TopologyException(`StateStore ${storeName} is not added yet; add it with addStateStore before connecting processor ${processorName}`);
    if (store.global) throw new TopologyException(`Global store ${storeName} is readable by every processor and cannot be connected to ${processorName}`);
    store.processors.add(processorName);
    node.stores.add(storeName);
  }

  addInternalTopic(config: InternalTopicConfig): void {
    if (this.internalTopics.has(config.name)) throw new TopologyException(`Internal topic ${config.name} is already used; give the operation another name`);
    this.internalTopics.set(config.name, config);
  }

  node(name: string): NodeDef {
    const node = this.nodes.get(name);
    if (node === undefined) throw new TopologyException(`Processor ${name} is not added yet`);
    return node;
  }

  private connectParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new TopologyException(`${name} must have at least one parent`);
    for (const parentName of parents) {
      if (parentName === name) throw new TopologyException(`Processor ${name} cannot be a parent of itself`);
      const parent = this.nodes.get(parentName);
      if (parent === undefined) throw new TopologyException(`Parent processor ${parentName} of ${name} is not added yet`);
      if (parent.kind === 'sink') throw new TopologyException(`Sink ${parentName} cannot be used as a parent (of ${name}): sinks have no children`);
    }
    for (const parentName of parents) this.nodes.get(parentName)!.children.push(name);
  }

  private assertNewName(name: string): void {
    if (!name) throw new TopologyException('A node needs a non-empty name');
    if (this.nodes.has(name)) throw new TopologyException(`Processor ${name} is already added`);
  }
}
