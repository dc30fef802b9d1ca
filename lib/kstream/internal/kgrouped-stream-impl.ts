import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import type { KTable } from '../../ktable/ktable.ts';
import type { KGroupedStream } from '../kgrouped-stream.ts';
import type { Materialized } from '../options.ts';
import type { InternalStreamsBuilder, KnownSerdes } from './internal-streams-builder.ts';
import { addRepartition } from './repartition.ts';
import { streamAggregateStep, type AggregateFold } from './stream-aggregate-step.ts';
import { NumberLongSerde } from '../../serdes/number-long-serde.ts';
import { TimeWindows } from '../../windows/time-windows.ts';
import type { CogroupedKStream } from '../cogrouped-kstream.ts';
import { CogroupedKStreamImpl } from './cogrouped-kstream-impl.ts';
import { SessionWindows } from '../../windows/session-windows.ts';
import { SlidingWindows } from '../../windows/sliding-windows.ts';
import type { SessionWindowedKStream } from '../../windows/session-windowed-kstream.ts';
import { SessionWindowedKStreamImpl } from '../../windows/internal/session-windowed-kstream-impl.ts';
import type { TimeWindowedKStream } from '../../windows/time-windowed-kstream.ts';
import { TimeWindowedKStreamImpl } from '../../windows/internal/time-windowed-kstream-impl.ts';

/** Counts are stored as Java longs, as Kafka Streams stores them. */
const countSerde = new NumberLongSerde();

/** A grouped stream: the aggregation node goes behind a repartition topic when the key changed. */
export class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly nodeName: string,
    private readonly serdes: KnownSerdes<K, V>,
    private readonly groupName: string | undefined,
    private readonly repartitionRequired: boolean,
  ) {}

  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) {
      return new SessionWindowedKStreamImpl(this.builder, this, windows);
    }
    if (!(windows instanceof TimeWindows) && !(windows instanceof SlidingWindows))
      throw new TypeError('windowedBy takes TimeWindows, SlidingWindows or SessionWindows');
    return new TimeWindowedKStreamImpl(this.builder, this, windows);
  }

  cogroup<VA>(aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA> {
    return new CogroupedKStreamImpl<K, VA>(this.builder, [
      { grouped: this as unknown as KGroupedStreamImpl<K, unknown>, aggregator: aggregator as (key: K, value: unknown, aggregate: VA) => VA },
    ]);
  }

  get knownSerdes(): KnownSerdes<K, V> {
    return this.serdes;
  }

  /**
   * The node whose output is this grouping, partitioned by key: if the key changed, the source of
   * the repartition topic `<grouped name, or topicPrefix>-repartition`.
   */
  partitionedInput(topicPrefix: string): string {
    return this.repartitionRequired
      ? addRepartition(this.builder, this.nodeName, this.groupName ?? topicPrefix, { ...(this.serdes as KnownSerdes<unknown, unknown>), guardKeys: true })
      : this.nodeName;
  }

  count(materialized?: Materialized<K, number>, name?: string): KTable<K, number> {
    // Kafka Streams burns one index for a count with an unnamed Materialized; names stay aligned.
    if (materialized && materialized.storeName === undefined) this.builder.newStoreName('KSTREAM-AGGREGATE-');
    return this.aggregateAs<number>('KSTREAM-AGGREGATE-', materialized ?? {}, name, countSerde, (_key, _value, count) => (count ?? 0) + 1);
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}, name?: string): KTable<K, V> {
    return this.aggregateAs<V>('KSTREAM-REDUCE-', materialized, name, this.serdes.valueSerde, (_key, value, aggregate) =>
      aggregate === undefined ? value : reducer(aggregate, value),
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
    name?: string,
  ): KTable<K, VA> {
    return this.aggregateAs<VA>('KSTREAM-AGGREGATE-', materialized, name, undefined, (key, value, aggregate) =>
      aggregator(key, value, aggregate === undefined ? initializer() : aggregate),
    );
  }

  private aggregateAs<VA>(
    prefix: string,
    materialized: Materialized<K, VA>,
    name: string | undefined,
    defaultValueSerde: KnownSerdes<K, VA>['valueSerde'],
    fold: AggregateFold<K, V, VA>,
  ): KTable<K, VA> {
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const processorName = this.builder.nameOrGenerate(name, prefix);
    const parent = this.partitionedInput(storeName);
    const serdes = { keySerde: materialized.keySerde ?? this.serdes.keySerde, valueSerde: materialized.valueSerde ?? defaultValueSerde };
    this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized, materialized.cachingEnabled ?? true);
    this.builder.addProcessor(processorName, [parent], streamAggregateStep(storeName, fold), [storeName]);
    return new KTableImpl<K, VA>(this.builder, processorName, storeName, serdes);
  }
}
