import type { KeyValue } from '../../processor/record.ts';
import type { InternalStreamsBuilder, KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import { KStreamImpl } from '../../kstream/internal/kstream-impl.ts';
import { selfGuardedStep } from '../../kstream/internal/record-step.ts';
import type { KStream } from '../../kstream/kstream.ts';
import type { Grouped, Materialized } from '../../kstream/options.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';
import type { Change } from '../change.ts';
import type { KGroupedTable } from '../kgrouped-table.ts';
import type { KTable } from '../ktable.ts';
import { KGroupedTableImpl } from './kgrouped-table-impl.ts';
import { ktableFilterStep } from './ktable-filter-step.ts';
import type { TableSource } from './table-source.ts';
import { ktableMapValuesStep } from './ktable-map-values-step.ts';
import { ktableRepartitionMapStep } from './ktable-repartition-map-step.ts';
import { ktableMaterializeStep } from './ktable-materialize-step.ts';
import { tableTableJoinStep, type TableJoinKind } from './table-table-join-step.ts';
import { passThroughStep } from '../../kstream/internal/stateless-steps.ts';
import { addRepartition } from '../../kstream/internal/repartition.ts';
import { Serdes } from '../../serdes/serdes.ts';
import type { Serde } from '../../serdes/serde.ts';
import {
  ResponseSerde,
  SubscriptionKeySerde,
  SubscriptionSerde,
  resolveStep,
  rightChangeStep,
  subscribeStep,
  subscriptionStep,
  unansweredStep,
} from './foreign-key-join.ts';
import { SuppressedEntrySerde, suppressStep } from '../../windows/internal/suppress-step.ts';
import type { Suppressed } from '../../windows/suppressed.ts';

/**
 * Where a table's old values come from (Kafka Streams' `enableSendingOldValues`): a table read
 * from a topic has them once materialized; a filter or mapValues without a store has them when its
 * parent does. Tables without one (aggregations, joins, stored tables) always have them.
 */
interface OldValuesUpstream {
  enable(force: boolean): boolean;
}

/** A KTable is the node whose output is its changes, and the store that holds it, if any. */
export class KTableImpl<K, V> implements KTable<K, V> {
  private sendsOldValues: boolean | undefined;

  constructor(
    readonly builder: InternalStreamsBuilder,
    readonly nodeName: string,
    private storeName: string | undefined,
    readonly serdes: KnownSerdes<K, V>,
    /** The grace period of the windows this table's keys come from, if it is windowed. */
    readonly windowGraceMs?: number,
    private readonly upstream?: OldValuesUpstream,
    private readonly source?: TableSource,
  ) {}

  /** A table read from a topic, materialized when named or when an operation needs its rows. */
  static fromSource<K, V>(builder: InternalStreamsBuilder, source: TableSource, serdes: KnownSerdes<K, V>): KTableImpl<K, V> {
    const upstream: OldValuesUpstream = { enable: (force) => source.materialized || (force && source.materialize() !== undefined) };
    return new KTableImpl<K, V>(builder, source.processorName, source.materialized ? source.storeName : undefined, serdes, undefined, upstream, source);
  }

  /**
   * Asks this table to forward old values with its changes, materializing upstream tables if
   * `force`; returns whether it does. A filter forwards even a change from null to null while its
   * table sends no old values (downstream cannot tell it apart otherwise), as Kafka's KTableFilter.
   */
  enableSendingOldValues(force: boolean): boolean {
    if (this.sendsOldValues === true) return true;
    const enabled = this.upstream === undefined || this.upstream.enable(force);
    if (enabled) this.sendsOldValues = true;
    if (this.source?.materialized) this.storeName = this.source.storeName;
    return enabled;
  }

  /** Read when a task is built: by then every downstream operation has had its say. */
  readonly oldValuesSent = (): boolean => this.sendsOldValues === true;

  suppress(suppressed: Suppressed, name?: string): KTable<K, V> {
    this.enableSendingOldValues(true);
    const nodeName = this.builder.nameOrGenerate(name, 'KTABLE-SUPPRESS-');
    // As Kafka Streams' KTableImpl.suppress: a named suppression's store is `<name>-store`.
    const storeName = name !== undefined ? `${name}-store` : this.builder.newStoreName('KTABLE-SUPPRESS-');
    this.builder.addKeyValueStore(storeName, {
      keySerde: this.serdes.keySerde as Serde<unknown> | undefined,
      valueSerde: this.serdes.valueSerde ? (new SuppressedEntrySerde(this.serdes.valueSerde) as Serde<unknown>) : undefined,
    });
    this.builder.addProcessor(nodeName, [this.nodeName], suppressStep<K, V>(suppressed, this.windowGraceMs, nodeName, storeName, this.serdes.keySerde), [
      storeName,
    ]);
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
    if (this.source !== undefined) {
      this.enableSendingOldValues(true);
      return (this.storeName = this.source.materialize());
    }
    const storeName = this.builder.newStoreName('KTABLE-MATERIALIZE-');
    const nodeName = this.builder.newProcessorName('KTABLE-MATERIALIZE-');
    this.builder.addKeyValueStore(storeName, this.serdes as KnownSerdes<unknown, unknown>);
    this.builder.addProcessor(nodeName, [this.nodeName], ktableMaterializeStep(storeName), [storeName]);
    this.storeName = storeName;
    return storeName;
  }

  join(other: KTable<any, any>, ...rest: unknown[]): KTable<K, any> {
    if (typeof rest[1] === 'function') return this.foreignKeyJoin(other, rest, false);
    const [joiner, materialized, name] = rest as [
      (value: V | null, otherValue: unknown, key: K) => unknown,
      Materialized<K, unknown> | undefined,
      string | undefined,
    ];
    return this.joinAs('inner', other, joiner, materialized, name);
  }

  leftJoin(other: KTable<any, any>, ...rest: unknown[]): KTable<K, any> {
    if (typeof rest[1] === 'function') return this.foreignKeyJoin(other, rest, true);
    const [joiner, materialized, name] = rest as [
      (value: V | null, otherValue: unknown, key: K) => unknown,
      Materialized<K, unknown> | undefined,
      string | undefined,
    ];
    return this.joinAs('left', other, joiner, materialized, name);
  }

  /**
   * The foreign-key join: subscriptions go to the right table's task through a topic keyed by the
   * foreign key, answers come back through a topic keyed by the left key (see foreign-key-join.ts).
   */
  private foreignKeyJoin(other: KTable<any, any>, rest: unknown[], leftJoin: boolean): KTable<K, unknown> {
    if (!(other instanceof KTableImpl)) throw new TypeError('A KTable joins another KTable built by the same StreamsBuilder');
    type KO = unknown;
    const [foreignKey, joiner, materialized, name] = rest as [
      (value: V) => KO,
      (value: V, otherValue: unknown, key: K) => unknown,
      Materialized<K, unknown> | undefined,
      string | undefined,
    ];
    const right = other as KTableImpl<KO, unknown>;
    this.enableSendingOldValues(true);
    right.enableSendingOldValues(true);
    const leftStore = this.materializedStore();
    const rightStore = right.materializedStore();
    const base = this.builder.nameOrGenerate(name, 'KTABLE-FK-JOIN-');
    const { keySerde: leftKeySerde, valueSerde: leftValueSerde } = this.serdes;
    const { keySerde: rightKeySerde, valueSerde: rightValueSerde } = right.serdes;
    const graph = this.builder.graph;

    const subscribe = this.builder.addProcessor(`${base}-SUBSCRIBE`, [this.nodeName], subscribeStep<K, V, KO>(foreignKey, leftValueSerde, leftJoin));
    const registrations = addRepartition(this.builder, subscribe, `${base}-subscription-registration`, {
      keySerde: rightKeySerde as Serde<unknown> | undefined,
      valueSerde: leftKeySerde ? (new SubscriptionSerde(leftKeySerde) as Serde<unknown>) : undefined,
      guardKeys: false,
    });
    const subscriptionStore = `${base}-subscription-store`;
    this.builder.addKeyValueStore(subscriptionStore, {
      keySerde: rightKeySerde && leftKeySerde ? (new SubscriptionKeySerde(rightKeySerde, leftKeySerde) as Serde<unknown>) : undefined,
      valueSerde: Serdes.String() as Serde<unknown>,
    });
    const answer = this.builder.addProcessor(
      `${base}-SUBSCRIPTION`,
      [registrations],
      subscriptionStep<KO, K, unknown>(subscriptionStore, rightStore, leftKeySerde),
      [subscriptionStore, rightStore],
    );
    const notify = this.builder.addProcessor(`${base}-RIGHT-CHANGE`, [right.nodeName], rightChangeStep<KO, K, unknown>(subscriptionStore, leftKeySerde), [
      subscriptionStore,
    ]);
    const responses = this.builder.addProcessor(`${base}-RESPONSES`, [answer, notify], passThroughStep);
    const answers = addRepartition(this.builder, responses, `${base}-subscription-response`, {
      keySerde: leftKeySerde as Serde<unknown> | undefined,
      valueSerde: rightValueSerde ? (new ResponseSerde(rightValueSerde) as Serde<unknown>) : undefined,
      guardKeys: false,
    });
    const resolve = this.builder.addProcessor(`${base}-RESOLVE`, [answers], resolveStep<K, V, unknown, unknown>(leftStore, joiner, leftJoin, leftValueSerde), [
      leftStore,
    ]);
    // Only a left join answers a row without a foreign key (on this side: see unansweredStep).
    const unanswered = leftJoin
      ? this.builder.addProcessor(`${base}-UNANSWERED`, [this.nodeName], unansweredStep<K, V, KO, unknown>(foreignKey, joiner))
      : undefined;
    graph.copartitionedNodes.add(answer).add(notify).add(resolve);
    const storeName = materialized ? (materialized.storeName ?? this.builder.newStoreName('KTABLE-FK-JOIN-OUTPUT-')) : undefined;
    const serdes = { keySerde: materialized?.keySerde ?? leftKeySerde, valueSerde: materialized?.valueSerde };
    if (storeName !== undefined) this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized);
    const output = this.builder.addProcessor(
      `${base}-OUTPUT`,
      unanswered === undefined ? [resolve] : [resolve, unanswered],
      storeName === undefined ? passThroughStep : ktableMaterializeStep(storeName, true),
      storeName === undefined ? [] : [storeName],
    );
    return new KTableImpl<K, unknown>(this.builder, output, storeName, serdes);
  }

  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    materialized?: Materialized<K, VR>,
    name?: string,
  ): KTable<K, VR> {
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
    this.enableSendingOldValues(true);
    (other as KTableImpl<K, VO>).enableSendingOldValues(true);
    const thisStore = this.materializedStore();
    const otherStore = (other as KTableImpl<K, VO>).materializedStore();
    // Names taken as Kafka Streams' KTableImpl.doJoin takes them: the store, the merge, then the
    // sides, which are KTABLE-JOINTHIS-/JOINOTHER- for inner, left and outer joins alike.
    const storeName = materialized ? (materialized.storeName ?? this.builder.newStoreName('KTABLE-MERGE-')) : undefined;
    const mergeName = this.builder.nameOrGenerate(name, 'KTABLE-MERGE-');
    const thisSide = this.builder.newProcessorName('KTABLE-JOINTHIS-');
    const otherSide = this.builder.newProcessorName('KTABLE-JOINOTHER-');
    this.builder.addProcessor(thisSide, [this.nodeName], tableTableJoinStep<K, V, VO, VR>(otherStore, joiner, kind, true), [otherStore]);
    this.builder.addProcessor(
      otherSide,
      [(other as KTableImpl<K, VO>).nodeName],
      tableTableJoinStep<K, VO, V, VR>(thisStore, (otherValue, thisValue, key) => joiner(thisValue, otherValue, key), kind, false),
      [thisStore],
    );
    this.builder.graph.copartitionedNodes.add(thisSide).add(otherSide);
    const serdes = { keySerde: materialized?.keySerde ?? this.serdes.keySerde, valueSerde: materialized?.valueSerde };
    if (storeName !== undefined) this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized);
    this.builder.addProcessor(
      mergeName,
      [thisSide, otherSide],
      storeName === undefined ? passThroughStep : ktableMaterializeStep(storeName, true),
      storeName === undefined ? [] : [storeName],
    );
    return new KTableImpl<K, VR>(this.builder, mergeName, storeName, serdes);
  }

  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V> {
    return this.derive('KTABLE-FILTER-', name, materialized, this.serdes, (store, table) => ktableFilterStep(predicate, false, store, table.oldValuesSent));
  }

  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V> {
    return this.derive('KTABLE-FILTER-', name, materialized, this.serdes, (store, table) => ktableFilterStep(predicate, true, store, table.oldValuesSent));
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR> {
    return this.derive<VR>('KTABLE-MAPVALUES-', name, materialized, { keySerde: this.serdes.keySerde }, (store) => ktableMapValuesStep(mapper, store));
  }

  toStream(name?: string): KStream<K, V | null> {
    const nodeName = this.builder.nameOrGenerate(name, 'KTABLE-TOSTREAM-');
    this.builder.addProcessor(
      nodeName,
      [this.nodeName],
      selfGuardedStep<K, Change<V>, K, V | null>((node) => (r, out) => {
        try {
          out.next({ key: r.key, value: r.value.newValue, timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      }),
    );
    return new KStreamImpl<K, V | null>(this.builder, nodeName, this.serdes, false);
  }

  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped: Grouped<KR, VR> = {}): KGroupedTable<KR, VR> {
    // Regrouping subtracts a row's old value from its old group: it needs old values.
    this.enableSendingOldValues(true);
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
    step: (storeName: string | undefined, table: KTableImpl<K, VR>) => NodeImplementation,
  ): KTable<K, VR> {
    const storeName = materialized ? (materialized.storeName ?? this.builder.newStoreName(prefix)) : undefined;
    const nodeName = this.builder.nameOrGenerate(name, prefix);
    const tableSerdes = { keySerde: materialized?.keySerde ?? serdes.keySerde, valueSerde: materialized?.valueSerde ?? serdes.valueSerde };
    if (storeName !== undefined) this.builder.addKeyValueStore(storeName, tableSerdes as KnownSerdes<unknown, unknown>, materialized);
    // Without a store of its own, the child has old values when this table has them; as Kafka's
    // KTableFilter, it asks for them at once where that needs no materialization.
    const upstream: OldValuesUpstream | undefined = storeName === undefined ? { enable: (force) => this.enableSendingOldValues(force) } : undefined;
    const table = new KTableImpl<K, VR>(this.builder, nodeName, storeName, tableSerdes, undefined, upstream);
    table.enableSendingOldValues(false);
    this.builder.addProcessor(nodeName, [this.nodeName], step(storeName, table), storeName === undefined ? [] : [storeName]);
    return table;
  }
}
