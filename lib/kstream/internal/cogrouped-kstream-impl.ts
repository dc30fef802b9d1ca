import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import type { KTable } from '../../ktable/ktable.ts';
import type { CogroupedKStream } from '../cogrouped-kstream.ts';
import type { KGroupedStream } from '../kgrouped-stream.ts';
import type { Materialized } from '../options.ts';
import type { InternalStreamsBuilder, KnownSerdes } from './internal-streams-builder.ts';
import type { KGroupedStreamImpl } from './kgrouped-stream-impl.ts';
import { passThroughStep } from './stateless-steps.ts';
import { streamAggregateStep } from './stream-aggregate-step.ts';

interface CogroupPart<K, VA> {
  readonly grouped: KGroupedStreamImpl<K, unknown>;
  readonly aggregator: (key: K, value: unknown, aggregate: VA) => VA;
}

/** One aggregation node per grouped stream, all on one store, merged into one table. */
export class CogroupedKStreamImpl<K, VA> implements CogroupedKStream<K, VA> {
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly parts: readonly CogroupPart<K, VA>[],
  ) {}

  cogroup<V>(grouped: KGroupedStream<K, V>, aggregator: (key: K, value: V, aggregate: VA) => VA): CogroupedKStream<K, VA> {
    return new CogroupedKStreamImpl(this.builder, [
      ...this.parts,
      { grouped: grouped as unknown as KGroupedStreamImpl<K, unknown>, aggregator: aggregator as CogroupPart<K, VA>['aggregator'] },
    ]);
  }

  aggregate(initializer: () => VA, materialized: Materialized<K, VA> = {}, name?: string): KTable<K, VA> {
    const storeName = materialized.storeName ?? this.builder.newStoreName('COGROUPKSTREAM-AGGREGATE-');
    const keySerde = materialized.keySerde ?? this.parts.map((part) => part.grouped.knownSerdes.keySerde).find((serde) => serde !== undefined);
    const serdes = { keySerde, valueSerde: materialized.valueSerde };
    this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized);
    const aggregators = this.parts.map((part) => {
      const nodeName = this.builder.newProcessorName('COGROUPKSTREAM-AGGREGATE-');
      const input = part.grouped.partitionedInput(`${storeName}-${nodeName}`);
      this.builder.addProcessor(
        nodeName,
        [input],
        streamAggregateStep<K, unknown, VA>(storeName, (key, value, aggregate) =>
          part.aggregator(key, value, aggregate === undefined ? initializer() : aggregate),
        ),
        [storeName],
      );
      return nodeName;
    });
    // The aggregators share a store, so they run in one task: their inputs must be co-partitioned.
    for (const node of aggregators) this.builder.graph.copartitionedNodes.add(node);
    const mergeName = this.builder.nameOrGenerate(name, 'COGROUPKSTREAM-MERGE-');
    this.builder.addProcessor(mergeName, aggregators, passThroughStep);
    return new KTableImpl<K, VA>(this.builder, mergeName, storeName, serdes);
  }
}
