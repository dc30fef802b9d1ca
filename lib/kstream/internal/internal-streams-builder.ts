import type { Serde } from '../../serdes/serde.ts';
import type { Materialized } from '../options.ts';
import { Stores } from '../../state/stores.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';
import { TopologyGraph } from '../../topology/internal/topology-graph.ts';

/**
 * The DSL's side of the graph: one counter names processors and stores alike
 * (`KSTREAM-FILTER-0000000003`, `KSTREAM-AGGREGATE-STATE-STORE-0000000004`), as in Kafka Streams,
 * so that generated names match the ones Kafka Streams would print.
 */
export class InternalStreamsBuilder {
  readonly graph = new TopologyGraph();
  private index = 0;

  newProcessorName(prefix: string): string {
    return prefix + String(this.index++).padStart(10, '0');
  }

  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${String(this.index++).padStart(10, '0')}`;
  }

  /** Uses the user's name if given; a generated name's index is burnt either way, like Kafka Streams. */
  nameOrGenerate(name: string | undefined, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return name ?? generated;
  }

  addProcessor(name: string, parents: readonly string[], implementation: NodeImplementation, stores: readonly string[] = []): string {
    this.graph.addProcessor({ kind: 'processor', name, parents, children: [], stores: new Set(), implementation });
    for (const store of stores) this.graph.connectStore(name, store);
    return name;
  }

  /**
   * A DSL store, logged unless `logging` (a Materialized) turns it off; `cachingEnabled` only
   * matters to the table processors that forward through it; `windowRetentionMs` marks a window,
   * session or join store and how long it keeps its entries.
   */
  addKeyValueStore(name: string, serdes: KnownSerdes<unknown, unknown>, logging: StoreLogging = {}, cachingEnabled = false, windowRetentionMs?: number): void {
    const builder = Stores.keyValueStoreBuilder(name, serdes.keySerde, serdes.valueSerde);
    const logged = (logging.loggingEnabled ?? true) ? builder.withLoggingEnabled(logging.changelogConfig) : builder.withLoggingDisabled();
    this.graph.addStore(cachingEnabled ? logged.withCachingEnabled() : logged, false, windowRetentionMs);
  }
}

/** How a DSL store writes its changelog: the logging part of its Materialized. */
export type StoreLogging = Pick<Materialized<unknown, unknown>, 'loggingEnabled' | 'changelogConfig'>;

/** Serdes known to travel with a stream, so sinks and stores can use them without being told. */
export interface KnownSerdes<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}
