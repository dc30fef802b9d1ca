import type { KeyValue } from '../../processor/record.ts';
import type { InternalStreamsBuilder, KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import { KStreamImpl } from '../../kstream/internal/kstream-impl.ts';
import { recordStep } from '../../kstream/internal/record-step.ts';
import type { KStream } from '../../kstream/kstream.ts';
import type { Grouped, Materialized } from '../../kstream/options.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';
import type { Change } from '../change.ts';
import type { KGroupedTable } from '../kgrouped-table.ts';
import type { KTable } from '../ktable.ts';
import { KGroupedTableImpl } from './kgrouped-table-impl.ts';
import { ktableFilterStep } from './ktable-filter-step.ts';
import { ktableMapValuesStep } from './ktable-map-values-step.ts';
import { ktableRepartitionMapStep } from './ktable-repartition-map-step.ts';
import { ktableMaterializeStep } from './ktable-materialize-step.ts';
import { tableTableJoinStep, type TableJoinKind } from './table-table-join-step.ts';
import { passThroughStep } from '../../kstream/internal/stateless-steps.ts';
import { suppressStep } from '../../windows/internal/suppress-step.ts';
import type { Suppressed } from '../../windows/suppressed.ts';

/** A KTable is the node whose output is its changes, and the store that holds it, if any. */
export class KTableImpl<K, V> implements KTable<K, V> {
  constructor(
    readonly builder: InternalStreamsBuilder,
    readonly nodeName: string,
    private storeName: string | undefined,
    readonly serdes: KnownSerdes<K, V>,
    /** The grace period of the windows this table's keys come from, if it is windowed. */
    readonly windowGraceMs?: number,
  ) {}

  suppress(suppressed: Suppressed, name?: string): KTable<K, V> {
    const nodeName = this.builder.nameOrGenerate(name, 'KTABLE-SUPPRESS-');
    this.builder.addProcessor(nodeName, [this.nodeName], suppressStep<K, V>(suppressed, this.windowGraceMs, nodeName));
    return new KTableImpl<K, V>(this.builder, nodeName, undefined, this.serdes, this.windowGraceMs);
  }

  get queryableStoreName(): string | undefined {
    return this.storeName;
  }

  /**
   * The store holding this table, for joins to look values up in; a table that has none gets one
   * now, filled by a node that listens to the table's changes.
   */
  materializedStore(): string {
    if (this.storeName !== undefined) return this.storeName;
    const storeName = this.builder.newStoreName('KTABLE-MATERIALIZE-');
    const nodeName = this.builder.newProcessorName('KTABLE-MATERIALIZE-');
    this.builder.addKeyValueStore(storeName, this.serdes as KnownSerdes<unknown, unknown>);
    this.builder.addProcessor(nodeName, [this.nodeName], ktableMaterializeStep(storeName), [storeName]);
    this.storeName = storeName;
    return storeName;
  }

  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR> {
    return this.joinAs('inner', other, joiner as (value: V | null, otherValue: VO | null, key: K) => VR, materialized, name);
  }

  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR> {
    return this.joinAs('left', other, joiner as (value: V | null, otherValue: VO | null, key: K) => VR, materialized, name);
  }

  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR> {
    return this.joinAs('outer', other, joiner, materialized, name);
  }

  /** Both sides look each other up: an update on either side is joined with the other's value now. */
  private joinAs<VO, VR>(
    kind: TableJoinKind,
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    materialized: Materialized<K, VR> | undefined,
    name: string | undefined,
  ): KTable<K, VR> {
    if (!(other instanceof KTableImpl)) throw new TypeError('A KTable joins another KTable built by the same StreamsBuilder');
    const prefix = { inner: 'KTABLE-JOIN', left: 'KTABLE-LEFT', outer: 'KTABLE-OUTER' }[kind];
    const thisStore = this.materializedStore();
    const otherStore = (other as KTableImpl<K, VO>).materializedStore();
    const thisSide = this.builder.newProcessorName(`${prefix}THIS-`);
    const otherSide = this.builder.newProcessorName(`${prefix}OTHER-`);
    const storeName = materialized ? (materialized.storeName ?? this.builder.newStoreName('KTABLE-MERGE-')) : undefined;
    const mergeName = this.builder.nameOrGenerate(name, 'KTABLE-MERGE-');
    this.builder.addProcessor(thisSide, [this.nodeName], tableTableJoinStep<K, V, VO, VR>(otherStore, joiner, kind, true), [otherStore]);
    this.builder.addProcessor(
      otherSide,
      [(other as KTableImpl<K, VO>).nodeName],
      tableTableJoinStep<K, VO, V, VR>(thisStore, (otherValue, thisValue, key) => joiner(thisValue, otherValue, key), kind, false),
      [thisStore],
    );
    this.builder.graph.copartitionedNodes.add(thisSide).add(otherSide);
    const serdes = { keySerde: materialized?.keySerde ?? this.serdes.keySerde, valueSerde: materialized?.valueSerde };
    if (storeName !== undefined) this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized?.loggingEnabled ?? true);
    this.builder.addProcessor(mergeName, [thisSide, otherSide], storeName === undefined ? passThroughStep : ktableMaterializeStep(storeName, true), storeName === undefined ? [] : [storeName]);
    return new KTableImpl<K, VR>(this.builder, mergeName, storeName, serdes);
  }

  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V> {
    return this.derive('KTABLE-FILTER-', name, materialized, this.serdes, (store) => ktableFilterStep(predicate, false, store));
  }

  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V> {
    return this.derive('KTABLE-FILTER-', name, materialized, this.serdes, (store) => ktableFilterStep(predicate, true, store));
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR> {
    return this.derive<VR>('KTABLE-MAPVALUES-', name, materialized, { keySerde: this.serdes.keySerde }, (store) => ktableMapValuesStep(mapper, store));
  }

  toStream(name?: string): KStream<K, V> {
    const nodeName = this.builder.nameOrGenerate(name, 'KTABLE-TOSTREAM-');
    this.builder.addProcessor(
      nodeName,
      [this.nodeName],
      recordStep<K, Change<V>, K, V | null>((r, out) => out.next({ key: r.key, value: r.value.newValue, timestamp: r.timestamp, headers: r.headers })),
    );
    return new KStreamImpl<K, V>(this.builder, nodeName, this.serdes, false);
  }

  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped: Grouped<KR, VR> = {}): KGroupedTable<KR, VR> {
    const selectName = this.builder.nameOrGenerate(grouped.name, 'KTABLE-SELECT-');
    this.builder.addProcessor(selectName, [this.nodeName], ktableRepartitionMapStep(selector));
    return new KGroupedTableImpl<KR, VR>(this.builder, selectName, { keySerde: grouped.keySerde, valueSerde: grouped.valueSerde }, grouped.name);
  }

  /** A child table; with `materialized` it gets a store of its own (named, or generated). */
  private derive<VR>(
    prefix: string,
    name: string | undefined,
    materialized: Materialized<K, VR> | undefined,
    serdes: KnownSerdes<K, VR>,
    step: (storeName: string | undefined) => NodeImplementation,
  ): KTable<K, VR> {
    const storeName = materialized ? (materialized.storeName ?? this.builder.newStoreName(prefix)) : undefined;
    const nodeName = this.builder.nameOrGenerate(name, prefix);
    const tableSerdes = { keySerde: materialized?.keySerde ?? serdes.keySerde, valueSerde: materialized?.valueSerde ?? serdes.valueSerde };
    if (storeName !== undefined) this.builder.addKeyValueStore(storeName, tableSerdes as KnownSerdes<unknown, unknown>, materialized?.loggingEnabled ?? true);
    this.builder.addProcessor(nodeName, [this.nodeName], step(storeName), storeName === undefined ? [] : [storeName]);
    return new KTableImpl<K, VR>(this.builder, nodeName, storeName, tableSerdes);
  }
}
