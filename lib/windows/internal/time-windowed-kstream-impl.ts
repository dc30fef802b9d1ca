import type { InternalStreamsBuilder, KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import type { KGroupedStreamImpl } from '../../kstream/internal/kgrouped-stream-impl.ts';
import type { Materialized } from '../../kstream/options.ts';
import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import type { KTable } from '../../ktable/ktable.ts';
import { NumberLongSerde } from '../../serdes/number-long-serde.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { TimeWindowedKStream } from '../time-windowed-kstream.ts';
import { TimeWindowedSerde } from '../time-windowed-serde.ts';
import type { TimeWindows } from '../time-windows.ts';
import type { Windowed } from '../windowed.ts';
import { windowAggregateStep } from './window-aggregate-step.ts';
import { Suppressed } from '../suppressed.ts';
import { SlidingWindows } from '../sliding-windows.ts';
import { slidingAggregateStep } from './sliding-aggregate-step.ts';

const countSerde = new NumberLongSerde();

/** windowedBy(TimeWindows): the aggregation node goes behind a repartition topic when the key changed. */
export class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly grouped: KGroupedStreamImpl<K, V>,
    private readonly windows: TimeWindows | SlidingWindows,
    private readonly onClose = false,
  ) {}

  emitStrategy(strategy: 'on-window-update' | 'on-window-close'): TimeWindowedKStream<K, V> {
    if (strategy !== 'on-window-update' && strategy !== 'on-window-close') throw new TypeError(`Unknown emit strategy ${JSON.stringify(strategy)}`);
    return new TimeWindowedKStreamImpl(this.builder, this.grouped, this.windows, strategy === 'on-window-close');
  }

  count(materialized: Materialized<Windowed<K>, number> = {}, name?: string): KTable<Windowed<K>, number> {
    return this.aggregateAs<number>('KSTREAM-AGGREGATE-', materialized, name, countSerde, (_key, _value, count) => (count ?? 0) + 1);
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<Windowed<K>, V> = {}, name?: string): KTable<Windowed<K>, V> {
    return this.aggregateAs<V>('KSTREAM-REDUCE-', materialized, name, this.grouped.knownSerdes.valueSerde, (_key, value, aggregate) =>
      aggregate === undefined ? value : reducer(aggregate, value),
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<Windowed<K>, VA> = {},
    name?: string,
  ): KTable<Windowed<K>, VA> {
    return this.aggregateAs<VA>('KSTREAM-AGGREGATE-', materialized, name, undefined, (key, value, aggregate) =>
      aggregator(key, value, aggregate === undefined ? initializer() : aggregate),
    );
  }

  private aggregateAs<VA>(
    prefix: string,
    materialized: Materialized<Windowed<K>, VA>,
    name: string | undefined,
    defaultValueSerde: Serde<VA> | undefined,
    fold: (key: K, value: V, aggregate: VA | undefined) => VA,
  ): KTable<Windowed<K>, VA> {
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const processorName = this.builder.nameOrGenerate(name, prefix);
    const parent = this.grouped.partitionedInput(storeName);
    const windows = this.windows;
    const sizeMs = windows instanceof SlidingWindows ? windows.timeDifferenceMs : windows.sizeMs;
    const keySerde =
      materialized.keySerde ?? (this.grouped.knownSerdes.keySerde ? new TimeWindowedSerde(this.grouped.knownSerdes.keySerde, sizeMs) : undefined);
    const serdes = { keySerde, valueSerde: materialized.valueSerde ?? defaultValueSerde };
    // The store's retention, as Kafka's WindowStoreMaterializer and SlidingWindowStoreMaterializer.
    const retentionMs =
      materialized.retentionMs ?? (windows instanceof SlidingWindows ? 2 * windows.timeDifferenceMs + windows.graceMs : windows.sizeMs + windows.graceMs);
    // Sliding windows forward every update (their step does not go through a record cache).
    this.builder.addKeyValueStore(
      storeName,
      serdes as KnownSerdes<unknown, unknown>,
      materialized,
      !(windows instanceof SlidingWindows) && (materialized.cachingEnabled ?? true),
      retentionMs,
    );
    if (windows instanceof SlidingWindows) {
      // As Kafka Streams, one store of windows, kept 2d + grace unless a retention is asked for.
      const minimum = 2 * windows.timeDifferenceMs + windows.graceMs;
      if (materialized.retentionMs !== undefined && !(materialized.retentionMs >= minimum)) {
        throw new RangeError(`Store ${storeName}: retention ${materialized.retentionMs} ms must be at least twice the time difference + grace (${minimum} ms)`);
      }
      this.builder.addProcessor(
        processorName,
        [parent],
        slidingAggregateStep(storeName, windows, fold, this.grouped.knownSerdes.keySerde, materialized.retentionMs),
        [storeName],
      );
    } else {
      if (materialized.retentionMs !== undefined && !(materialized.retentionMs >= windows.sizeMs + windows.graceMs)) {
        throw new RangeError(
          `Store ${storeName}: retention ${materialized.retentionMs} ms must be at least window size + grace (${windows.sizeMs + windows.graceMs} ms)`,
        );
      }
      this.builder.addProcessor(processorName, [parent], windowAggregateStep(storeName, windows, fold, materialized.retentionMs), [storeName]);
    }
    const table = new KTableImpl<Windowed<K>, VA>(this.builder, processorName, storeName, serdes, this.windows.graceMs);
    return this.onClose ? table.suppress(Suppressed.untilWindowCloses(), `${processorName}-EMIT-ON-CLOSE`) : table;
  }
}
