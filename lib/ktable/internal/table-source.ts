import type { InternalStreamsBuilder, KnownSerdes, StoreLogging } from '../../kstream/internal/internal-streams-builder.ts';

/**
 * The store of a table read from a topic (`StreamsBuilder.table`, `KStream.toTable`). As in Kafka
 * Streams' KTableSource, the table is materialized only when its store is named, or later when an
 * operation needs its rows (a join looks them up, groupBy and suppress need old values); until
 * then the source forwards each update with no old value and the topology has no store for it.
 * The store's name is generated up front either way, so generated names stay as Kafka's.
 */
export class TableSource {
  private connected = false;

  constructor(
    private readonly builder: InternalStreamsBuilder,
    readonly processorName: string,
    readonly storeName: string,
    private readonly serdes: KnownSerdes<unknown, unknown>,
    private readonly logging: StoreLogging,
  ) {}

  get materialized(): boolean {
    return this.connected;
  }

  /** Adds the store and connects it to the source processor, once. */
  materialize(): string {
    if (!this.connected) {
      this.connected = true;
      this.builder.addKeyValueStore(this.storeName, this.serdes, this.logging);
      this.builder.graph.connectStore(this.processorName, this.storeName);
    }
    return this.storeName;
  }

  /** The store the source step writes, read when a task is built (after the whole topology is). */
  readonly currentStore = (): string | undefined => (this.connected ? this.storeName : undefined);
}
