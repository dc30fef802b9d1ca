import type { InternalStreamsBuilder, KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import { addRepartition } from '../../kstream/internal/repartition.ts';
import type { Materialized } from '../../kstream/options.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { KGroupedTable } from '../kgrouped-table.ts';
import type { KTable } from '../ktable.ts';
import { ChangeSerde } from './change-serde.ts';
import { ktableAggregateStep, type TableAggregateFunctions } from './ktable-aggregate-step.ts';
import { KTableImpl } from './ktable-impl.ts';
import { NumberLongSerde } from '../../serdes/number-long-serde.ts';

/** Counts are stored as Java longs, as Kafka Streams stores them. */
const countSerde = new NumberLongSerde();

/** Regrouped table rows: always repartitioned (rows move between groups), then aggregated. */
export class KGroupedTableImpl<K, V> implements KGroupedTable<K, V> {
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly nodeName: string,
    private readonly serdes: KnownSerdes<K, V>,
    private readonly groupName: string | undefined,
  ) {}

  count(materialized: Materialized<K, number> = {}, name?: string): KTable<K, number> {
    return this.aggregateAs<number>('KTABLE-AGGREGATE-', materialized, name, countSerde, {
      add: (_key, _value, count) => (count ?? 0) + 1,
      subtract: (_key, _value, count) => count - 1,
    });
  }

  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}, name?: string): KTable<K, V> {
    return this.aggregateAs<V>('KTABLE-REDUCE-', materialized, name, this.serdes.valueSerde, {
      add: (_key, value, aggregate) => (aggregate === undefined ? value : adder(aggregate, value)),
      subtract: (_key, value, aggregate) => subtractor(aggregate, value),
    });
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized: Materialized<K, VA> = {},
    name?: string,
  ): KTable<K, VA> {
    return this.aggregateAs<VA>('KTABLE-AGGREGATE-', materialized, name, undefined, {
      add: (key, value, aggregate) => adder(key, value, aggregate === undefined ? initializer() : aggregate),
      subtract: subtractor,
    });
  }

  private aggregateAs<VA>(
    prefix: string,
    materialized: Materialized<K, VA>,
    name: string | undefined,
    defaultValueSerde: Serde<VA> | undefined,
    fns: TableAggregateFunctions<K, V, VA>,
  ): KTable<K, VA> {
    // Kafka Streams names the store KTABLE-AGGREGATE-STATE-STORE-n even for reduce.
    const storeName = materialized.storeName ?? this.builder.newStoreName('KTABLE-AGGREGATE-');
    const source = addRepartition(this.builder, this.nodeName, this.groupName ?? storeName, {
      ...(this.serdes as KnownSerdes<unknown, unknown>),
      valueSerdeWrapper: (inner) => new ChangeSerde(inner),
      guardKeys: false,
      operationName: name,
    });
    const processorName = this.builder.nameOrGenerate(name, prefix);
    const serdes = { keySerde: materialized.keySerde ?? this.serdes.keySerde, valueSerde: materialized.valueSerde ?? defaultValueSerde };
    this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized, materialized.cachingEnabled ?? true);
    this.builder.addProcessor(processorName, [source], ktableAggregateStep(storeName, fns), [storeName]);
    return new KTableImpl<K, VA>(this.builder, processorName, storeName, serdes);
  }
}
