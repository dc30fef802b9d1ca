import type { ProcessorSupplier } from '../processor/processor.ts';
import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from '../state/state-store.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import type { StreamPartitioner, TimestampExtractor, TopicNameExtractor } from './internal/node-defs.ts';
import { TopologyGraph } from './internal/topology-graph.ts';
import { planTopology, type TopologyPlan } from './internal/topology-plan.ts';
import { TopologyDescription } from './topology-description.ts';

export interface SourceOptions<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly timestampExtractor?: TimestampExtractor<K, V>;
}

export interface SinkOptions<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
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

  describe(): TopologyDescription {
    return new TopologyDescription(graphOf(this), this.plan());
  }
}
