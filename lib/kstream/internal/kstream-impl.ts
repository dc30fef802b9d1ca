import type { OperatorFunction } from 'rxjs';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValue, RecordContext } from '../../processor/record.ts';
import type { TopicNameExtractor } from '../../topology/internal/node-defs.ts';
import { KTableImpl } from '../../ktable/internal/ktable-impl.ts';
import { ktableSourceStep } from '../../ktable/internal/ktable-source-step.ts';
import type { KTable } from '../../ktable/ktable.ts';
import type { BranchedKStream } from '../branched-kstream.ts';
import type { KGroupedStream } from '../kgrouped-stream.ts';
import type { KStream } from '../kstream.ts';
import type { Grouped, Joined, Materialized, Produced, Repartitioned } from '../options.ts';
import type { GlobalKTable } from '../../ktable/global-ktable.ts';
import { GlobalKTableImpl } from '../../ktable/internal/global-ktable-impl.ts';
import { streamGlobalJoinStep } from './stream-global-join-step.ts';
import { streamTableJoinStep } from './stream-table-join-step.ts';
import { BranchedKStreamImpl } from './branched-kstream-impl.ts';
import type { InternalStreamsBuilder, KnownSerdes } from './internal-streams-builder.ts';
import { KGroupedStreamImpl } from './kgrouped-stream-impl.ts';
import { pipeStep } from './pipe-step.ts';
import { addRepartition } from './repartition.ts';
import {
  filterStep,
  flatMapStep,
  flatMapValuesStep,
  mapStep,
  mapValuesStep,
  passThroughStep,
  peekStep,
  selectKeyStep,
} from './stateless-steps.ts';
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
    return this.then('KSTREAM-FILTER-', name, filterStep(predicate, false), this.serdes, this.repartitionRequired);
  }

  filterNot(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.then('KSTREAM-FILTER-', name, filterStep(predicate, true), this.serdes, this.repartitionRequired);
  }

  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, name?: string): KStream<KR, VR> {
    return this.then('KSTREAM-MAP-', name, mapStep(mapper), {}, true);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, name?: string): KStream<K, VR> {
    return this.then('KSTREAM-MAPVALUES-', name, mapValuesStep(mapper), { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, name?: string): KStream<KR, VR> {
    return this.then('KSTREAM-FLATMAP-', name, flatMapStep(mapper), {}, true);
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, name?: string): KStream<K, VR> {
    return this.then('KSTREAM-FLATMAPVALUES-', name, flatMapValuesStep(mapper), { keySerde: this.serdes.keySerde }, this.repartitionRequired);
  }

  selectKey<KR>(selector: (key: K, value: V) => KR, name?: string): KStream<KR, V> {
    return this.then('KSTREAM-KEY-SELECT-', name, selectKeyStep(selector), { valueSerde: this.serdes.valueSerde }, true);
  }

  peek(action: (key: K, value: V) => void, name?: string): KStream<K, V> {
    return this.then('KSTREAM-PEEK-', name, peekStep(action), this.serdes, this.repartitionRequired);
  }

  foreach(action: (key: K, value: V) => void, name?: string): void {
    this.then('KSTREAM-FOREACH-', name, peekStep(action), this.serdes, this.repartitionRequired);
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
    this.builder.addKeyValueStore(storeName, serdes as KnownSerdes<unknown, unknown>, materialized.loggingEnabled ?? true);
    this.builder.addProcessor(processorName, [parent], ktableSourceStep(storeName), [storeName]);
    return new KTableImpl<K, V>(this.builder, processorName, storeName, serdes);
  }

  join(other: KTable<K, unknown> | GlobalKTable<unknown, unknown>, ...rest: unknown[]): KStream<K, any> {
    return this.joinAs(other, rest, false);
  }

  leftJoin(other: KTable<K, unknown> | GlobalKTable<unknown, unknown>, ...rest: unknown[]): KStream<K, any> {
    return this.joinAs(other, rest, true);
  }

  private joinAs(other: KTable<K, unknown> | GlobalKTable<unknown, unknown>, rest: unknown[], left: boolean): KStream<K, unknown> {
    const prefix = left ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-';
    if (other instanceof GlobalKTableImpl) {
      const [keySelector, joiner, name] = rest as [(key: K, value: V) => unknown, (value: V, globalValue: unknown, key: K) => unknown, string | undefined];
      if (typeof keySelector !== 'function' || typeof joiner !== 'function') throw new TypeError('A join with a GlobalKTable takes a key selector and a joiner');
      return this.then(prefix, name, streamGlobalJoinStep(other.queryableStoreName, keySelector, joiner, left), { keySerde: this.serdes.keySerde }, this.repartitionRequired);
    }
    if (!(other instanceof KTableImpl)) throw new TypeError('join takes a KTable or a GlobalKTable built by the same StreamsBuilder');
    const [joiner, joined = {}] = rest as [(value: V, tableValue: unknown, key: K) => unknown, Joined<K, V> | undefined];
    if (typeof joiner !== 'function') throw new TypeError('A join with a KTable takes a joiner function');
    const storeName = (other as KTableImpl<K, unknown>).materializedStore();
    const name = this.builder.nameOrGenerate(joined.name, prefix);
    const parent = this.repartitionRequired
      ? addRepartition(this.builder, this.nodeName, joined.name ?? name, {
          keySerde: (joined.keySerde ?? this.serdes.keySerde) as KnownSerdes<unknown, unknown>['keySerde'],
          valueSerde: (joined.valueSerde ?? this.serdes.valueSerde) as KnownSerdes<unknown, unknown>['valueSerde'],
          guardKeys: true,
        })
      : this.nodeName;
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
    return this.processAs(this.builder.newProcessorName('KSTREAM-PROCESSOR-'), supplier, storeNames);
  }

  processNamed<KOut, VOut>(name: string, supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut> {
    this.builder.newProcessorName('KSTREAM-PROCESSOR-');
    return this.processAs(name, supplier, storeNames);
  }

  pipe(...operators: OperatorFunction<any, any>[]): KStream<any, any> {
    if (operators.length === 0) return this;
    return this.then('KSTREAM-PIPE-', undefined, pipeStep(operators), {}, true);
  }

  pipeNamed(name: string, ...operators: OperatorFunction<any, any>[]): KStream<any, any> {
    return this.then('KSTREAM-PIPE-', name, pipeStep(operators), {}, true);
  }

  private processAs<KOut, VOut>(name: string, supplier: ProcessorSupplier<K, V, KOut, VOut>, storeNames: readonly string[]): KStream<KOut, VOut> {
    this.builder.graph.addProcessor({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      children: [],
      stores: new Set(),
      implementation: { type: 'processor', supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown> },
    });
    for (const store of storeNames) this.builder.graph.connectStore(name, store);
    return new KStreamImpl<KOut, VOut>(this.builder, name, {}, true);
  }

  private then<KR, VR>(prefix: string, name: string | undefined, implementation: NodeImplementation, serdes: KnownSerdes<KR, VR>, repartitionRequired: boolean): KStreamImpl<KR, VR> {
    const nodeName = this.builder.nameOrGenerate(name, prefix);
    this.builder.addProcessor(nodeName, [this.nodeName], implementation);
    return new KStreamImpl<KR, VR>(this.builder, nodeName, serdes, repartitionRequired);
  }
}

function asImpl<K, V>(stream: KStream<K, V>): KStreamImpl<K, V> {
  if (!(stream instanceof KStreamImpl)) throw new TypeError('merge takes a KStream built by the same StreamsBuilder');
  return stream;
}
