import type { Serde } from '../../serdes/serde.ts';
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

  /** A DSL store; `cachingEnabled` only matters to the table processors that forward through it. */
  addKeyValueStore(name: string, serdes: KnownSerdes<unknown, unknown>, loggingEnabled = true, cachingEnabled = false): void {
    const builder = Stores.keyValueStoreBuilder(name, serdes.keySerde, serdes.valueSerde);
    const logged = loggingEnabled ? builder : builder.withLoggingDisabled();
    this.graph.addStore(cachingEnabled ? logged.withCachingEnabled() : logged, false);
  }
}

/** Serdes known to travel with a stream, so sinks and stores can use them without being told. */
export interface KnownSerdes<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}
