import type { OperatorFunction } from 'rxjs';
import type { FixedKeyProcessorSupplier } from '../../processor/fixed-key-processor.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValue, RecordContext } from '../../processor/record.ts';
import type { TopicNameExtractor } from '../../topology/internal/node-defs.ts';
import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import { TableSource } from '../../ktable/internal/table-source.ts';
import { ktableSourceStep } from '../../ktable/internal/ktable-source-step.ts';
import type { KTable } from '../../ktable/ktable.ts';
import type { BranchedKStream } from '../branched-kstream.ts';
import type { KGroupedStream } from '../kgrouped-stream.ts';
import type { KStream } from '../kstream.ts';
import type { Grouped, Joined, Materialized, Produced, Repartitioned, StreamJoined } from '../options.ts';
import { JoinWindows } from '../../windows/join-windows.ts';
import type { Serde } from '../../serdes/serde.ts';
import { JoinBufferEntrySerde, JoinBufferKeySerde } from './join-buffer.ts';
import { streamStreamJoinStep } from './stream-stream-join-step.ts';
import type { GlobalKTable } from '../../ktable/global-ktable.ts';
import { GlobalKTableImpl } from '../../ktable/internal/global-ktable-impl.ts';
import { streamGlobalJoinStep } from './stream-global-join-step.ts';
import { streamTableJoinStep } from './stream-table-join-step.ts';
import { BranchedKStreamImpl } from './branched-kstream-impl.ts';
import { fixedKeyProcessorAdapter } from './fixed-key-processor-adapter.ts';
import type { InternalStreamsBuilder, KnownSerdes } from './internal-streams-builder.ts';
import { KGroupedStreamImpl } from './kgrouped-stream-impl.ts';
import { pipeStep } from './pipe-step.ts';
import { addRepartition } from './repartition.ts';
import { filterStep, flatMapStep, flatMapValuesStep, mapStep, mapValuesStep, passThroughStep, peekStep, selectKeyStep } from './stateless-steps.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';

/**
 * A KStream is the name of the node whose output it is, plus what is known about it: its serdes,
 * and whether its key changed since it was last partitioned (then grouping repartitions it).
 */
export class KStreamImpl<K, V> implements KStream<K, V> {
  constructor(
    readonly builder: InternalStreamsBuilder,
    readonly nodeName: string,
    readonly serdes: KnownSerdes<K, V>,
    readonly repartitionRequired: boolean,
  ) {}

  filter(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.append('KSTREAM-FILTER-', name, filterStep(predicate, false), this.serdes, this.repartitionRequired);
  }

  filterNot(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.append('KSTREAM-FILTER-', name, filterStep(predicate, true), this.serdes, this.repartitionRequired);
  }

  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, name?: string): KStream<KR, VR> {
    return this.append('KSTREAM-MAP-', name, mapStep(mapper), {}, true);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, name?: string): KStream<K, VR> {
    return this.append('KSTREAM-MAPVALUES-', name, mapValuesStep(mapper), { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, name?: string): KStream<KR, VR> {
    return this.append('KSTREAM-FLATMAP-', name, flatMapStep(mapper), {}, true);
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, name?: string): KStream<K, VR> {
    return this.append('KSTREAM-FLATMAPVALUES-', name, flatMapValuesStep(mapper), { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  selectKey<KR>(selector: (key: K, value: V) => KR, name?: string): KStream<KR, V> {
    return this.append('KSTREAM-KEY-SELECT-', name, selectKeyStep(selector), { valueSerde: this.serdes.valueSerde }, true);
  }

  peek(action: (key: K, value: V) => void, name?: string): KStream<K, V> {
    return this.append('KSTREAM-PEEK-', name, peekStep(action), this.serdes, this.repartitionRequired);
  }

  foreach(action: (key: K, value: V) => void, name?: string): void {
    this.append('KSTREAM-FOREACH-', name, peekStep(action), this.serdes, this.repartitionRequired);
  }

  merge(other: KStream<K, V>, name?: string): KStream<K, V> {
    const that = asImpl(other);
    const nodeName = this.builder.nameOrGenerate(name, 'KSTREAM-MERGE-');
    this.builder.addProcessor(nodeName, [this.nodeName, that.nodeName], passThroughStep);
    const serdes = {
      keySerde: this.serdes.keySerde === that.serdes.keySerde ? this.serdes.keySerde : undefined,
      valueSerde: this.serdes.valueSerde === that.serdes.valueSerde ? this.serdes.valueSerde : undefined,
    };
    return new KStreamImpl(this.builder, nodeName, serdes, this.repartitionRequired || that.repartitionRequired);
  }

  split(prefix?: string): BranchedKStream<K, V> {
    return new BranchedKStreamImpl(this, prefix);
  }

  to(topic: string | ((key: K, value: V, recordContext: RecordContext | undefined) => string), produced?: Produced<K, V>): void {
    const name = this.builder.nameOrGenerate(produced?.name, 'KSTREAM-SINK-');
    this.builder.graph.addSink({
      kind: 'sink',
      name,
      parents: [this.nodeName],
      children: [],
      topic: topic as string | TopicNameExtractor,
      keySerde: (produced?.keySerde ?? this.serdes.keySerde) as KnownSerdes<unknown, unknown>['keySerde'],
      valueSerde: (produced?.valueSerde ?? this.serdes.valueSerde) as KnownSerdes<unknown, unknown>['valueSerde'],
      partitioner: produced?.partitioner as Produced<unknown, unknown>['partitioner'],
    });
  }

  repartition(repartitioned: Repartitioned<K, V> = {}): KStream<K, V> {
    const prefix = repartitioned.name ?? this.builder.newProcessorName('KSTREAM-REPARTITION-');
    const serdes = { keySerde: repartitioned.keySerde ?? this.serdes.keySerde, valueSerde: repartitioned.valueSerde ?? this.serdes.valueSerde };
    const source = addRepartition(this.builder, this.nodeName, prefix, {
      ...(serdes as KnownSerdes<unknown, unknown>),
      partitioner: repartitioned.partitioner as Repartitioned<unknown, unknown>['partitioner'],
      numberOfPartitions: repartitioned.numberOfPartitions,
      guardKeys: true,
    });
    return new KStreamImpl(this.builder, source, serdes, false);
  }

  toTable(materialized: Materialized<K, V> = {}, name?: string): KTable<K, V> {
    const processorName = this.builder.nameOrGenerate(name, 'KSTREAM-TOTABLE-');
    const storeName = materialized.storeName ?? this.builder.newStoreName('KSTREAM-TOTABLE-');
    const serdes = { keySerde: materialized.keySerde ?? this.serdes.keySerde, valueSerde: materialized.valueSerde ?? this.serdes.valueSerde };
    const parent = this.repartitionRequired
      ? addRepartition(this.builder, this.nodeName, processorName, { ...(serdes as KnownSerdes<unknown, unknown>), guardKeys: true })
      : this.nodeName;
    const source = new TableSource(this.builder, processorName, storeName, serdes as KnownSerdes<unknown, unknown>, materialized);
    this.builder.addProcessor(processorName, [parent], ktableSourceStep(source.currentStore));
    if (materialized.storeName !== undefined) source.materialize();
    return KTableImpl.fromSource<K, V>(this.builder, source, serdes);
  }

  join(other: KTable<K, unknown> | GlobalKTable<unknown, unknown> | KStream<K, unknown>, ...rest: unknown[]): KStream<K, any> {
    return this.joinAs(other, rest, false);
  }

  leftJoin(other: KTable<K, unknown> | GlobalKTable<unknown, unknown> | KStream<K, unknown>, ...rest: unknown[]): KStream<K, any> {
    return this.joinAs(other, rest, true);
  }

  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    return this.streamJoin('outer', other, joiner, windows, streamJoined);
  }

  /**
   * Two buffering join nodes (one per side) behind both streams, each side repartitioned if its key
   * changed, merged into one output, with Kafka Streams' names (KSTREAM-JOINTHIS/OTHER,
   * KSTREAM-OUTERTHIS/OTHER, KSTREAM-MERGE) and stores `<node>-store`.
   */
  private streamJoin<VO, VR>(
    kind: 'inner' | 'left' | 'outer',
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined: StreamJoined<K, V, VO>,
  ): KStream<K, VR> {
    if (!(windows instanceof JoinWindows))
      throw new TypeError('A stream-stream join takes JoinWindows, e.g. JoinWindows.ofTimeDifferenceWithNoGrace(5 * 60_000)');
    const that = asImpl(other);
    const keySerde = streamJoined.keySerde ?? this.serdes.keySerde ?? that.serdes.keySerde;
    const valueSerde = streamJoined.valueSerde ?? this.serdes.valueSerde;
    const otherValueSerde = streamJoined.otherValueSerde ?? that.serdes.valueSerde;
    const sideName = (generated: string) => (streamJoined.name ? `${streamJoined.name}-${generated}` : undefined);
    const leftInput = this.repartitionRequired
      ? addRepartition(this.builder, this.nodeName, streamJoined.name ? `${streamJoined.name}-left` : this.nodeName, {
          keySerde,
          valueSerde,
          guardKeys: true,
        } as never)
      : this.nodeName;
    const rightInput = that.repartitionRequired
      ? addRepartition(this.builder, that.nodeName, streamJoined.name ? `${streamJoined.name}-right` : that.nodeName, {
          keySerde,
          valueSerde: otherValueSerde,
          guardKeys: true,
        } as never)
      : that.nodeName;
    const thisName = this.builder.nameOrGenerate(sideName('this-join'), kind === 'outer' ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-');
    const otherName = this.builder.nameOrGenerate(sideName('other-join'), kind === 'inner' ? 'KSTREAM-JOINOTHER-' : 'KSTREAM-OUTEROTHER-');
    const mergeName = this.builder.nameOrGenerate(sideName('merge'), 'KSTREAM-MERGE-');
    const leftStore = `${thisName}-store`;
    const rightStore = `${otherName}-store`;
    const bufferSerdes = (serde: unknown) => ({
      keySerde: keySerde ? new JoinBufferKeySerde(keySerde) : undefined,
      valueSerde: serde ? new JoinBufferEntrySerde(serde as Serde<unknown>) : undefined,
    });
    // Kafka's join window stores keep before + after + grace. A side whose unjoined records wait in
    // its buffer to be emitted with null keeps a compacted changelog only: Kafka keeps those in a
    // compacted key-value store, and time-based deletion could drop one still waiting.
    const joinRetentionMs = windows.beforeMs + windows.afterMs + windows.graceMs;
    const leftEmitsUnjoined = kind !== 'inner';
    const rightEmitsUnjoined = kind === 'outer';
    this.builder.addKeyValueStore(
      leftStore,
      bufferSerdes(valueSerde) as KnownSerdes<unknown, unknown>,
      {},
      false,
      leftEmitsUnjoined ? undefined : joinRetentionMs,
    );
    this.builder.addKeyValueStore(
      rightStore,
      bufferSerdes(otherValueSerde) as KnownSerdes<unknown, unknown>,
      {},
      false,
      rightEmitsUnjoined ? undefined : joinRetentionMs,
    );
    const options = {
      left: { store: leftStore, emitsUnjoined: leftEmitsUnjoined },
      right: { store: rightStore, emitsUnjoined: rightEmitsUnjoined },
      windows,
      joiner,
      keySerde,
    };
    this.builder.addProcessor(thisName, [leftInput], streamStreamJoinStep(options, true), [leftStore, rightStore]);
    this.builder.addProcessor(otherName, [rightInput], streamStreamJoinStep(options, false), [leftStore, rightStore]);
    this.builder.addProcessor(mergeName, [thisName, otherName], passThroughStep);
    this.builder.graph.copartitionedNodes.add(thisName).add(otherName);
    return new KStreamImpl<K, VR>(this.builder, mergeName, { keySerde }, false);
  }

  private joinAs(other: KTable<K, unknown> | GlobalKTable<unknown, unknown> | KStream<K, unknown>, rest: unknown[], left: boolean): KStream<K, unknown> {
    if (other instanceof KStreamImpl) {
      const [joiner, windows, streamJoined = {}] = rest as [
        (value: V | null, otherValue: unknown, key: K) => unknown,
        JoinWindows,
        StreamJoined<K, V, unknown> | undefined,
      ];
      return this.streamJoin(left ? 'left' : 'inner', other as KStream<K, unknown>, joiner, windows, streamJoined);
    }
    const prefix = left ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-';
    if (other instanceof GlobalKTableImpl) {
      const [keySelector, joiner, name] = rest as [(key: K, value: V) => unknown, (value: V, globalValue: unknown, key: K) => unknown, string | undefined];
      if (typeof keySelector !== 'function' || typeof joiner !== 'function')
        throw new TypeError('A join with a GlobalKTable takes a key selector and a joiner');
      // Kafka Streams' KStreamImpl.globalTableJoin names inner joins KSTREAM-LEFTJOIN- too.
      return this.append(
        'KSTREAM-LEFTJOIN-',
        name,
        streamGlobalJoinStep(other.queryableStoreName, keySelector, joiner, left),
        { keySerde: this.serdes.keySerde },
        this.repartitionRequired,
      );
    }
    if (!(other instanceof KTableImpl)) throw new TypeError('join takes a KTable or a GlobalKTable built by the same StreamsBuilder');
    const [joiner, joined = {}] = rest as [(value: V, tableValue: unknown, key: K) => unknown, Joined<K, V> | undefined];
    if (typeof joiner !== 'function') throw new TypeError('A join with a KTable takes a joiner function');
    const storeName = (other as KTableImpl<K, unknown>).materializedStore();
    // As Kafka Streams' KStreamImpl.join: the repartition comes first, named after the join or else
    // after the node upstream (`<that node>-repartition`), and the join's name is generated after it.
    const parent = this.repartitionRequired
      ? addRepartition(this.builder, this.nodeName, joined.name ?? this.nodeName, {
          keySerde: (joined.keySerde ?? this.serdes.keySerde) as KnownSerdes<unknown, unknown>['keySerde'],
          valueSerde: (joined.valueSerde ?? this.serdes.valueSerde) as KnownSerdes<unknown, unknown>['valueSerde'],
          guardKeys: true,
        })
      : this.nodeName;
    const name = this.builder.nameOrGenerate(joined.name, prefix);
    this.builder.addProcessor(name, [parent], streamTableJoinStep(storeName, joiner, left), [storeName]);
    this.builder.graph.copartitionedNodes.add(name);
    return new KStreamImpl(this.builder, name, { keySerde: this.serdes.keySerde }, false);
  }

  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    const serdes = { keySerde: grouped.keySerde ?? this.serdes.keySerde, valueSerde: grouped.valueSerde ?? this.serdes.valueSerde };
    return new KGroupedStreamImpl(this.builder, this.nodeName, serdes, grouped.name, this.repartitionRequired);
  }

  groupBy<KR>(selector: (key: K, value: V) => KR, grouped: Grouped<KR, V> = {}): KGroupedStream<KR, V> {
    const selectName = this.builder.nameOrGenerate(grouped.name, 'KSTREAM-KEY-SELECT-');
    this.builder.addProcessor(selectName, [this.nodeName], selectKeyStep(selector));
    const serdes = { keySerde: grouped.keySerde, valueSerde: grouped.valueSerde ?? this.serdes.valueSerde };
    return new KGroupedStreamImpl(this.builder, selectName, serdes, grouped.name, true);
  }

  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut> {
    return this.processAs(this.builder.newProcessorName('KSTREAM-PROCESSOR-'), supplier, storeNames, {}, true);
  }

  processNamed<KOut, VOut>(name: string, supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut> {
    this.builder.newProcessorName('KSTREAM-PROCESSOR-');
    return this.processAs(name, supplier, storeNames, {}, true);
  }

  processValues<VOut>(supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...storeNames: string[]): KStream<K, VOut> {
    return this.processValuesAs(this.builder.newProcessorName('KSTREAM-PROCESSVALUES-'), supplier, storeNames);
  }

  processValuesNamed<VOut>(name: string, supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...storeNames: string[]): KStream<K, VOut> {
    // Kafka's processValues(supplier, Named) takes the name as it is, burning no generated index.
    return this.processValuesAs(name, supplier, storeNames);
  }

  pipe(...operators: OperatorFunction<any, any>[]): KStream<any, any> {
    if (operators.length === 0) return this;
    return this.append('KSTREAM-PIPE-', undefined, pipeStep(operators), {}, true);
  }

  pipeNamed(name: string, ...operators: OperatorFunction<any, any>[]): KStream<any, any> {
    return this.append('KSTREAM-PIPE-', name, pipeStep(operators), {}, true);
  }

  /** The key is the one the records came with: it keeps its serde, and a repartition is needed only if one already was. */
  private processValuesAs<VOut>(name: string, supplier: FixedKeyProcessorSupplier<K, V, VOut>, storeNames: readonly string[]): KStream<K, VOut> {
    return this.processAs(name, fixedKeyProcessorAdapter(supplier), storeNames, { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  private processAs<KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    storeNames: readonly string[],
    serdes: KnownSerdes<KOut, VOut>,
    repartitionRequired: boolean,
  ): KStream<KOut, VOut> {
    this.builder.graph.addProcessor({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      children: [],
      stores: new Set(),
      implementation: { type: 'processor', supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown> },
    });
    for (const store of storeNames) this.builder.graph.connectStore(name, store);
    return new KStreamImpl<KOut, VOut>(this.builder, name, serdes, repartitionRequired);
  }

  // Not named `then`: an object with a then() method is a thenable, and `await stream` would call it
  // and never settle.
  private append<KR, VR>(
    prefix: string,
    name: string | undefined,
    implementation: NodeImplementation,
    serdes: KnownSerdes<KR, VR>,
    repartitionRequired: boolean,
  ): KStreamImpl<KR, VR> {
    const nodeName = this.builder.nameOrGenerate(name, prefix);
    this.builder.addProcessor(nodeName, [this.nodeName], implementation);
    return new KStreamImpl<KR, VR>(this.builder, nodeName, serdes, repartitionRequired);
  }
}

function asImpl<K, V>(stream: KStream<K, V>): KStreamImpl<K, V> {
  if (!(stream instanceof KStreamImpl)) throw new TypeError('merge takes a KStream built by the same StreamsBuilder');
  return stream;
}
