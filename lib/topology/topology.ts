import type { ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from '../state/state-store.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import type { StreamPartitioner, TimestampExtractor, TopicNameExtractor } from './internal/node-defs.ts';
import { TopologyGraph } from './internal/topology-graph.ts';
import { planTopology, type TopologyPlan } from './internal/topology-plan.ts';
import { TopologyDescription } from './topology-description.ts';

/** How a source node reads its topics, as Kafka Streams' `Consumed`. */
export interface SourceOptions<K, V> {
  /** Reads the record keys; default the config's `defaultKeySerde`. */
  readonly keySerde?: Serde<K>;
  /** Reads the record values; default the config's `defaultValueSerde`. */
  readonly valueSerde?: Serde<V>;
  /** Picks each record's event time; default the timestamp the record carries. */
  readonly timestampExtractor?: TimestampExtractor<K, V>;
}

/** How a sink node writes its topic, as Kafka Streams' `Produced`. */
export interface SinkOptions<K, V> {
  /** Writes the record keys; default the config's `defaultKeySerde`. */
  readonly keySerde?: Serde<K>;
  /** Writes the record values; default the config's `defaultValueSerde`. */
  readonly valueSerde?: Serde<V>;
  /** Chooses each record's partition; default the producer's default partitioner (by key). */
  readonly partitioner?: StreamPartitioner<K, V>;
}

const graphs = new WeakMap<Topology, TopologyGraph>();

/** The processor graph of a topology, for the task compiler and the hosts that run it. */
export function graphOf(topology: Topology): TopologyGraph {
  return graphs.get(topology)!;
}

/**
 * A processor graph: sources read topics, processors transform records, sinks write topics, and
 * state stores hold what processors remember. Built by hand (Processor API) or by a StreamsBuilder.
 *
 * ```ts
 * const topology = new Topology()
 *   .addSource('in', ['words'], { keySerde: Serdes.String(), valueSerde: Serdes.String() })
 *   .addProcessor('upper', () => new UpperCase(), 'in')
 *   .addSink('out', 'upper-words', { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'upper');
 * ```
 */
export class Topology {
  constructor(graph: TopologyGraph = new TopologyGraph()) {
    graphs.set(this, graph);
  }

  /**
   * Adds a source node that reads `topics` into the topology. Throws TopologyException when the name is taken, a topic is
   * empty or listed twice, or another source already reads one of the topics.
   */
  addSource<K = unknown, V = unknown>(name: string, topics: string | readonly string[], options: SourceOptions<K, V> = {}): this {
    graphOf(this).addSource({
      kind: 'source',
      name,
      topics: typeof topics === 'string' ? [topics] : [...topics],
      keySerde: options.keySerde as Serde<unknown> | undefined,
      valueSerde: options.valueSerde as Serde<unknown> | undefined,
      timestampExtractor: options.timestampExtractor as TimestampExtractor | undefined,
      children: [],
    });
    return this;
  }

  /**
   * Adds a processor node fed by `parentNames` (at least one, none of them a sink); `supplier` makes one processor per task.
   * Throws TopologyException when the name is taken or a parent is not added yet.
   */
  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    if (typeof supplier !== 'function') throw new TypeError(`Processor ${name} needs a supplier function that returns a new processor`);
    graphOf(this).addProcessor({
      kind: 'processor',
      name,
      parents: parentNames,
      children: [],
      stores: new Set(),
      implementation: { type: 'processor', supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown> },
    });
    return this;
  }

  /**
   * Adds a sink node that writes what `parentNames` forward to `topic`, or to the topic a `TopicNameExtractor` picks for
   * each record. Throws TopologyException when the name is taken or a parent is not added yet.
   */
  addSink<K = unknown, V = unknown>(name: string, topic: string | TopicNameExtractor<K, V>, options: SinkOptions<K, V> = {}, ...parentNames: string[]): this {
    graphOf(this).addSink({
      kind: 'sink',
      name,
      parents: parentNames,
      children: [],
      topic: topic as string | TopicNameExtractor,
      keySerde: options.keySerde as Serde<unknown> | undefined,
      valueSerde: options.valueSerde as Serde<unknown> | undefined,
      partitioner: options.partitioner as StreamPartitioner | undefined,
    });
    return this;
  }

  /** Adds a store and connects it to the named processors (each task gets its own instance). */
  addStateStore(storeBuilder: StoreBuilder<StateStore>, ...processorNames: string[]): this {
    const graph = graphOf(this);
    graph.addStore(storeBuilder, false);
    for (const processor of processorNames) graph.connectStore(processor, storeBuilder.name);
    return this;
  }

  /** Gives a processor access to stores already added with `addStateStore`; global stores need no connecting. */
  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    for (const store of storeNames) graphOf(this).connectStore(processorName, store);
    return this;
  }

  /**
   * Adds a global store: every instance reads all partitions of `topic` into it through the
   * given processor; every other processor may read it. Its logging is off: the topic is its changelog.
   */
  addGlobalStore<K, V>(
    storeBuilder: StoreBuilder<StateStore>,
    sourceName: string,
    topic: string,
    options: SourceOptions<K, V>,
    processorName: string,
    supplier: ProcessorSupplier<K, V, never, never>,
  ): this {
    const graph = graphOf(this);
    graph.addSource(
      {
        kind: 'source',
        name: sourceName,
        topics: [topic],
        keySerde: options.keySerde as Serde<unknown> | undefined,
        valueSerde: options.valueSerde as Serde<unknown> | undefined,
        timestampExtractor: options.timestampExtractor as TimestampExtractor | undefined,
        children: [],
      },
      true,
    );
    graph.addProcessor(
      {
        kind: 'processor',
        name: processorName,
        parents: [sourceName],
        children: [],
        stores: new Set([storeBuilder.name]),
        implementation: { type: 'processor', supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown> },
      },
      true,
    );
    graph.addStore(storeBuilder.withLoggingDisabled(), true);
    graph.stores.get(storeBuilder.name)!.processors.add(processorName);
    return this;
  }

  /** Validates the topology and splits it into sub-topologies; throws TopologyException naming what is wrong. */
  plan(): TopologyPlan {
    return planTopology(graphOf(this));
  }

  /** Validates the topology and describes its sub-topologies, nodes and stores, as Kafka Streams' `Topology.describe()`. */
  describe(): TopologyDescription {
    return new TopologyDescription(graphOf(this), this.plan());
  }
}
