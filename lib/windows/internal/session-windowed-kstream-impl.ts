import type { InternalStreamsBuilder, KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import type { KGroupedStreamImpl } from '../../kstream/internal/kgrouped-stream-impl.ts';
import type { Materialized } from '../../kstream/options.ts';
import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import type { KTable } from '../../ktable/ktable.ts';
import { NumberLongSerde } from '../../serdes/number-long-serde.ts';
import type { Serde } from '../../serdes/serde.ts';
import { SessionWindowedSerde } from '../session-windowed-serde.ts';
import type { SessionWindowedKStream } from '../session-windowed-kstream.ts';
import type { SessionWindows } from '../session-windows.ts';
import type { Windowed } from '../windowed.ts';
import { sessionAggregateStep, type SessionFunctions } from './session-aggregate-step.ts';

const countSerde = new NumberLongSerde();

/** windowedBy(SessionWindows): as for time windows, behind a repartition topic when the key changed. */
export class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly grouped: KGroupedStreamImpl<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  count(materialized: Materialized<Windowed<K>, number> = {}, name?: string): KTable<Windowed<K>, number> {
    return this.aggregateAs<number>('KSTREAM-AGGREGATE-', materialized, name, countSerde, {
      initializer: () => 0,
      aggregator: (_key, _value, count) => count + 1,
      merger: (_key, a, b) => a + b,
    });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<Windowed<K>, V> = {}, name?: string): KTable<Windowed<K>, V> {
    // A session's first value is its aggregate, as in Kafka Streams' reduce: `undefined` marks "none yet".
    const none = undefined as unknown as V;
    return this.aggregateAs<V>('KSTREAM-REDUCE-', materialized, name, this.grouped.knownSerdes.valueSerde, {
      initializer: () => none,
      aggregator: (_key, value, aggregate) => (aggregate === none ? value : reducer(aggregate, value)),
      merger: (_key, a, b) => (a === none ? b : b === none ? a : reducer(a, b)),
    });
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    sessionMerger: (key: K, left: VA, right: VA) => VA,
    materialized: Materialized<Windowed<K>, VA> = {},
    name?: string,
  ): KTable<Windowed<K>, VA> {
    return this.aggregateAs<VA>('KSTREAM-AGGREGATE-', materialized, name, undefined, { initializer, aggregator, merger: sessionMerger });
  }

  private aggregateAs<VA>(
    prefix: string,
    materialized: Materialized<Windowed<K>, VA>,
    name: string | undefined,
    defaultValueSerde: Serde<VA> | undefined,
    fns: SessionFunctions<K, V, VA>,
  ): KTable<Windowed<K>, VA> {
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const processorName = this.builder.nameOrGenerate(name, prefix);
    const parent = this.grouped.partitionedInput(storeName);
    const keySerde = materialized.keySerde ?? (this.grouped.knownSerdes.keySerde ? new SessionWindowedSerde(this.grouped.knownSerdes.keySerde) : undefined);
    const serdes = { keySerde, valueSerde: materialized.valueSerde ?? defaultValueSerde };
    // The store's retention as sessionAggregateStep and Kafka's SessionStoreMaterializer see it: gap + grace unless set.
    const retentionMs =
      materialized.retentionMs !== undefined && materialized.retentionMs > 0 ? materialized.retentionMs : this.windows.gapMs + this.windows.graceMs;
    this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized, false, retentionMs);
    this.builder.addProcessor(
      processorName,
      [parent],
      sessionAggregateStep(storeName, this.windows, fns, this.grouped.knownSerdes.keySerde, materialized.retentionMs),
      [storeName],
    );
    // A session stays open to records up to the gap after its end, plus grace.
    return new KTableImpl<Windowed<K>, VA>(this.builder, processorName, storeName, serdes, this.windows.gapMs + this.windows.graceMs);
  }
}
