import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from '../state/state-store.ts';
import { Stores } from '../state/stores.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import { Topology } from '../topology/topology.ts';
import type { TimestampExtractor } from '../topology/internal/node-defs.ts';
import { GlobalKTableImpl } from '../ktable/internal/global-ktable-impl.ts';
import { KTableImpl } from '../ktable/internal/ktable-impl.ts';
import { ktableSourceStep } from '../ktable/internal/ktable-source-step.ts';
import { TableSource } from '../ktable/internal/table-source.ts';
import type { GlobalKTable } from '../ktable/global-ktable.ts';
import type { KTable } from '../ktable/ktable.ts';
import { InternalStreamsBuilder, type KnownSerdes } from './internal/internal-streams-builder.ts';
import { KStreamImpl } from './internal/kstream-impl.ts';
import type { KStream } from './kstream.ts';
import type { Consumed, Materialized } from './options.ts';

/**
 * Builds a topology with the Streams DSL.
 *
 * ```ts
 * const builder = new StreamsBuilder();
 * builder.stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
 *   .selectKey((_key, order) => order.item)
 *   .mapValues((order) => order.quantity)
 *   .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.Int() })
 *   .reduce((a, b) => a + b, { storeName: 'item-quantity' });
 * const topology = builder.build();
 * ```
 */
export class StreamsBuilder {
  private readonly internal = new InternalStreamsBuilder();
  private readonly topology = new Topology(this.internal.graph);
  /** Table stores and the topics they are read from, for `optimization: 'all'`. */
  private readonly tableSources = new Map<string, string>();

  /** A stream of the records of one or more topics. */
  stream<K, V>(topics: string | readonly string[], consumed: Consumed<K, V> = {}): KStream<K, V> {
    const name = this.internal.nameOrGenerate(consumed.name, 'KSTREAM-SOURCE-');
    this.addSource(name, typeof topics === 'string' ? [topics] : [...topics], consumed);
    return new KStreamImpl<K, V>(this.internal, name, { keySerde: consumed.keySerde, valueSerde: consumed.valueSerde }, false);
  }

  /** A table of the latest value per key of a topic (a null value deletes the key). */
  table<K, V>(topic: string, consumed: Consumed<K, V> = {}, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const storeName = materialized.storeName ?? this.internal.newStoreName(`${topic}-`);
    const sourceName = this.internal.nameOrGenerate(consumed.name, 'KSTREAM-SOURCE-');
    const processorName = this.internal.newProcessorName('KTABLE-SOURCE-');
    const serdes = { keySerde: materialized.keySerde ?? consumed.keySerde, valueSerde: materialized.valueSerde ?? consumed.valueSerde };
    this.addSource(sourceName, [topic], consumed);
    const source = new TableSource(this.internal, processorName, storeName, serdes as KnownSerdes<unknown, unknown>, materialized);
    this.internal.addProcessor(processorName, [sourceName], ktableSourceStep(source.currentStore));
    if (materialized.storeName !== undefined) source.materialize();
    this.tableSources.set(storeName, topic);
    return KTableImpl.fromSource<K, V>(this.internal, source, serdes);
  }

  /** A table of a whole topic (all partitions) replicated to every task, read-only to processors. */
  globalTable<K, V>(topic: string, consumed: Consumed<K, V> = {}, materialized: Materialized<K, V> = {}): GlobalKTable<K, V> {
    const storeName = materialized.storeName ?? this.internal.newStoreName(`${topic}-`);
    const sourceName = this.internal.nameOrGenerate(consumed.name, 'KSTREAM-SOURCE-');
    const processorName = this.internal.newProcessorName('KTABLE-SOURCE-');
    const serdes = { keySerde: materialized.keySerde ?? consumed.keySerde, valueSerde: materialized.valueSerde ?? consumed.valueSerde };
    const graph = this.internal.graph;
    graph.addSource({ ...this.sourceDef(sourceName, [topic], consumed) }, true);
    graph.addStore(Stores.keyValueStoreBuilder(storeName, serdes.keySerde, serdes.valueSerde).withLoggingDisabled() as StoreBuilder<StateStore>, true);
    graph.addProcessor(
      {
        kind: 'processor',
        name: processorName,
        parents: [sourceName],
        children: [],
        stores: new Set([storeName]),
        implementation: ktableSourceStep(storeName),
      },
      true,
    );
    graph.stores.get(storeName)!.processors.add(processorName);
    return new GlobalKTableImpl<K, V>(storeName, serdes);
  }

  /** Adds a store for `process()` steps to use; connect it by passing its name to `process`. */
  addStateStore(storeBuilder: StoreBuilder<StateStore>): this {
    this.internal.graph.addStore(storeBuilder, false);
    return this;
  }

  /**
   * The topology built so far. With `optimization: 'all'`, as Kafka Streams' `topology.optimization`,
   * a table read from a topic uses that topic as its changelog instead of writing a second copy.
   */
  build(options: { optimization?: 'none' | 'all' } = {}): Topology {
    if (options.optimization === 'all') {
      for (const [store, topic] of this.tableSources) {
        if (this.internal.graph.stores.get(store)?.builder.loggingEnabled) this.internal.graph.sourceChangelogs.set(store, topic);
      }
    } else if (options.optimization !== undefined && options.optimization !== 'none') {
      throw new TypeError(`Unknown optimization ${JSON.stringify(options.optimization)}; use 'none' or 'all'`);
    }
    this.topology.plan();
    return this.topology;
  }

  private addSource<K, V>(name: string, topics: string[], consumed: Consumed<K, V>): void {
    this.internal.graph.addSource(this.sourceDef(name, topics, consumed));
  }

  private sourceDef<K, V>(name: string, topics: string[], consumed: Consumed<K, V>) {
    return {
      kind: 'source' as const,
      name,
      topics,
      keySerde: consumed.keySerde as Serde<unknown> | undefined,
      valueSerde: consumed.valueSerde as Serde<unknown> | undefined,
      timestampExtractor: consumed.timestampExtractor as TimestampExtractor | undefined,
      children: [],
    };
  }
}
