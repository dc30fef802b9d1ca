import type { KeyValue } from '../processor/record.ts';
import type { KStream } from '../kstream/kstream.ts';
import type { Grouped, Materialized } from '../kstream/options.ts';
import type { KGroupedTable } from './kgrouped-table.ts';
import type { Suppressed } from '../windows/suppressed.ts';

/**
 * A changelog stream read as a table: the latest value per key, where a null value deletes the
 * key. Updates flow on as changes (new value and the value it replaced).
 */
export interface KTable<K, V> {
  /** The state store that holds this table, if it is materialized. */
  readonly queryableStoreName: string | undefined;
  /** Keeps rows for which the predicate holds; a row that stops matching is deleted downstream. */
  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  /** Drops rows for which the predicate holds; a row that starts matching is deleted downstream. */
  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  /**
   * Replaces each row's value, keeping its key; a delete stays a delete. With `materialized`, the
   * result gets a store of its own.
   */
  mapValues<VR>(mapper: (value: V, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR>;
  /**
   * The table's updates as a stream: each update is a record, a delete is a null value (hence
   * `V | null`; `filter((_key, value): value is V => value !== null)` drops the deletes).
   */
  toStream(name?: string): KStream<K, V | null>;
  /** Rows of both tables with the same key, joined; a row missing on either side is no row. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, materialized?: Materialized<K, VR>, name?: string): KTable<K, VR>;
  /**
   * A foreign-key join: each row of this table joins the other table's row whose key the
   * extractor takes from this row's value; the result is keyed like this table. Rows whose
   * foreign key has no row join nothing.
   */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKey: (value: V) => KO | null,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    materialized?: Materialized<K, VR>,
    name?: string,
  ): KTable<K, VR>;
  /** The foreign-key join in which rows without a matching row join null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKey: (value: V) => KO | null,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    materialized?: Materialized<K, VR>,
    name?: string,
  ): KTable<K, VR>;
  /** Every row of this table, joined with the other's row of the same key or null. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    materialized?: Materialized<K, VR>,
    name?: string,
  ): KTable<K, VR>;
  /** Every key of either table, joined with whatever each side has (null when it has nothing). */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    materialized?: Materialized<K, VR>,
    name?: string,
  ): KTable<K, VR>;
  /**
   * Holds updates back: until a window closes (one final result per window), or until a time
   * limit passes (the latest value per key, rate-limited).
   */
  suppress(suppressed: Suppressed, name?: string): KTable<K, V>;
  /** Regroups rows by a new key; the groups' aggregates subtract rows that move out. */
  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR>;
}
