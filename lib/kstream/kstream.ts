import type { OperatorFunction } from 'rxjs';
import type { FixedKeyProcessorSupplier } from '../processor/fixed-key-processor.ts';
import type { ProcessorSupplier } from '../processor/processor.ts';
import type { KeyValue, RecordContext, StreamRecord } from '../processor/record.ts';
import type { TopicNameExtractor } from '../topology/internal/node-defs.ts';
import type { BranchedKStream } from './branched-kstream.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from '../ktable/ktable.ts';
import type { GlobalKTable } from '../ktable/global-ktable.ts';
import type { Grouped, Joined, Materialized, Produced, Repartitioned, StreamJoined } from './options.ts';
import type { JoinWindows } from '../windows/join-windows.ts';

/**
 * An unbounded stream of key-value records: every record is an event. Each method adds a
 * processor to the topology and returns the stream of its output; `name` names that processor.
 *
 * ```ts
 * builder.stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
 *   .filter((_key, order) => order.quantity > 0)
 *   .mapValues((order) => order.quantity)
 *   .to('quantities', { valueSerde: Serdes.Int() });
 * ```
 */
export interface KStream<K, V> {
  /** With a type guard, the stream is typed by it: `filter((_key, value): value is V => value !== null)`. */
  filter<VR extends V>(predicate: (key: K, value: V) => value is VR, name?: string): KStream<K, VR>;
  /** Keeps the records for which the predicate holds and drops the rest. */
  filter(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V>;
  /** Drops the records for which the predicate holds and keeps the rest. */
  filterNot(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V>;
  /** Replaces key and value; marks the stream for repartitioning before any grouping or join. */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, name?: string): KStream<KR, VR>;
  /** Replaces each value, keeping key, timestamp and headers; the key is unchanged, so no repartitioning is needed. */
  mapValues<VR>(mapper: (value: V, key: K) => VR, name?: string): KStream<K, VR>;
  /** Replaces each record with the records the mapper returns (none or many); marks the stream for repartitioning, as `map`. */
  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, name?: string): KStream<KR, VR>;
  /** Replaces each record with one record per value the mapper returns (none or many), keeping its key. */
  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, name?: string): KStream<K, VR>;
  /** Replaces the key, keeping the value; marks the stream for repartitioning before any grouping or join. */
  selectKey<KR>(selector: (key: K, value: V) => KR, name?: string): KStream<KR, V>;
  /** Runs the action on each record for its side effect (logging, metrics) and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void, name?: string): KStream<K, V>;
  /** Runs the action on each record and ends the stream there. */
  foreach(action: (key: K, value: V) => void, name?: string): void;
  /**
   * Both streams' records in one stream, in the order they are processed. A serde is kept only when
   * both streams have the same one; if either stream needs repartitioning, so does the result.
   */
  merge(other: KStream<K, V>, name?: string): KStream<K, V>;
  /** Splits the stream into branches by predicate; `prefix` names the splitter and its branches. */
  split(prefix?: string): BranchedKStream<K, V>;
  /** Writes every record to a topic, or to the topic the extractor picks per record. */
  to(topic: string | ((key: K, value: V, recordContext: RecordContext | undefined) => string), produced?: Produced<K, V>): void;
  /** Writes the stream through a repartition topic, so it is partitioned by its current key. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V>;
  /** The stream read as a changelog: each record upserts its key (a null value deletes it). */
  toTable(materialized?: Materialized<K, V>, name?: string): KTable<K, V>;
  /**
   * Joins each record with the table's value for its key (no window: the table's value at that
   * moment). Records without a match are dropped. The table's topic and this stream's must be
   * co-partitioned; a stream whose key changed is repartitioned first.
   */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, joined?: Joined<K, V>): KStream<K, VR>;
  /** Joins each record with a global table's value for the key the selector picks; no co-partitioning needed. */
  join<GK, GV, VR>(
    globalTable: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, globalValue: GV, key: K) => VR,
    name?: string,
  ): KStream<K, VR>;
  /**
   * Joins records of the two streams with the same key whose timestamps are within the join
   * windows of each other; the result carries the later timestamp. Both streams must be
   * co-partitioned; a stream whose key changed is repartitioned first.
   */
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  /** Like the windowed join; a record of this stream that joined nothing is emitted with null when its window closes. */
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  /** Like the windowed join; a record of either stream that joined nothing is emitted with null when its window closes. */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  /** Like join, but records without a match go on, joined with null. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null, key: K) => VR, joined?: Joined<K, V>): KStream<K, VR>;
  /** Like the global-table join, but records whose selected key has no row go on, joined with null. */
  leftJoin<GK, GV, VR>(
    globalTable: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, globalValue: GV | null, key: K) => VR,
    name?: string,
  ): KStream<K, VR>;
  /**
   * Groups the records by their key, to aggregate. If the key changed upstream, the aggregation first
   * goes through a repartition topic, named after `grouped.name` or else the aggregation's store.
   */
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V>;
  /**
   * Groups the records by the key the selector picks (`selectKey` then `groupByKey`), so the
   * aggregation always goes through a repartition topic; the key serde comes only from `grouped.keySerde` (else the config's `defaultKeySerde`).
   */
  groupBy<KR>(selector: (key: K, value: V) => KR, grouped?: Grouped<KR, V>): KGroupedStream<KR, V>;
  /** Runs a Processor API processor on each record; `storeNames` connects stores to it. */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut>;
  /** Like `process`, with a name for the processor. */
  processNamed<KOut, VOut>(name: string, supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut>;
  /**
   * Runs a fixed-key processor on each record; `storeNames` connects stores to it. The processor may
   * replace values, timestamps and headers but not keys (it forwards `FixedKeyRecord`s), so, unlike
   * `process`, this does not mark the stream for repartitioning, and the key serde is kept.
   */
  processValues<VOut>(supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...storeNames: string[]): KStream<K, VOut>;
  /** Like `processValues`, with a name for the processor. */
  processValuesNamed<VOut>(name: string, supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...storeNames: string[]): KStream<K, VOut>;
  /**
   * Pipes the stream's records through any RxJS operators. The last operator must emit records
   * (`{ key, value, timestamp, headers }`). Operators that wait on timers run on the task's
   * scheduler (virtual inside `TestScheduler.run`). The result has no known serdes and is marked for
   * repartitioning, since the operators may change the key. With no operators, returns this stream.
   */
  pipe(): KStream<K, V>;
  /** Pipes through one operator, which must emit records. */
  pipe<K1, V1>(op1: OperatorFunction<StreamRecord<K, V>, StreamRecord<K1, V1>>): KStream<K1, V1>;
  /** Pipes through two operators; the last must emit records. */
  pipe<A, K2, V2>(op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, StreamRecord<K2, V2>>): KStream<K2, V2>;
  /** Pipes through three operators; the last must emit records. */
  pipe<A, B, K3, V3>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, StreamRecord<K3, V3>>,
  ): KStream<K3, V3>;
  /** Pipes through four operators; the last must emit records. */
  pipe<A, B, C, K4, V4>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, StreamRecord<K4, V4>>,
  ): KStream<K4, V4>;
  /** Pipes through five operators; the last must emit records. */
  pipe<A, B, C, D, K5, V5>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, StreamRecord<K5, V5>>,
  ): KStream<K5, V5>;
  /** Pipes through any number of operators, untyped; a value the last one emits that is not a record fails the task. */
  pipe(...operators: OperatorFunction<unknown, unknown>[]): KStream<unknown, unknown>;
  /** Like `pipe`, with a name for the processor; typed the same way, so typed operators fit. */
  pipeNamed<K1, V1>(name: string, op1: OperatorFunction<StreamRecord<K, V>, StreamRecord<K1, V1>>): KStream<K1, V1>;
  /** Like `pipe` with two operators, with a name for the processor. */
  pipeNamed<A, K2, V2>(name: string, op1: OperatorFunction<StreamRecord<K, V>, A>, op2: OperatorFunction<A, StreamRecord<K2, V2>>): KStream<K2, V2>;
  /** Like `pipe` with three operators, with a name for the processor. */
  pipeNamed<A, B, K3, V3>(
    name: string,
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, StreamRecord<K3, V3>>,
  ): KStream<K3, V3>;
  /** Like `pipe` with four operators, with a name for the processor. */
  pipeNamed<A, B, C, K4, V4>(
    name: string,
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, StreamRecord<K4, V4>>,
  ): KStream<K4, V4>;
  /** Like `pipe` with five operators, with a name for the processor. */
  pipeNamed<A, B, C, D, K5, V5>(
    name: string,
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, StreamRecord<K5, V5>>,
  ): KStream<K5, V5>;
  /** Like the untyped `pipe`, with a name for the processor. */
  pipeNamed(name: string, ...operators: OperatorFunction<unknown, unknown>[]): KStream<unknown, unknown>;
}

export type { TopicNameExtractor };
