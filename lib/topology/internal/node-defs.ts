import type { OperatorFunction } from 'rxjs';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { RecordContext, StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { Emitter, NodeContext } from './node-context.ts';

/** Picks the timestamp of a consumed record; `partitionTime` is the largest one seen so far. */
export type TimestampExtractor<K = unknown, V = unknown> = (record: StreamRecord<K, V> & RecordContext, partitionTime: number) => number;

/** Chooses the topic of each record at run time, as Kafka Streams' TopicNameExtractor. */
export type TopicNameExtractor<K = unknown, V = unknown> = (key: K, value: V, recordContext: RecordContext | undefined) => string;

/** Chooses the partition of each record; undefined leaves the choice to the default partitioner. */
export type StreamPartitioner<K = unknown, V = unknown> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;

type AnyRecord = StreamRecord<unknown, unknown>;

/** A per-record step that never throws (errors go to the task) and emits through `out`. */
export type RecordStep = (record: AnyRecord, out: Emitter<AnyRecord>) => void;

/**
 * How a processor node runs: either an RxJS operator over its input records (stateless DSL
 * steps), or a Processor API processor that forwards records, possibly to one named child.
 */
export type NodeImplementation =
  | {
      readonly type: 'operator';
      readonly create: (node: NodeContext) => OperatorFunction<AnyRecord, AnyRecord>;
      /** Present for per-record steps: a chain of them with one child each runs as one operator. */
      readonly step?: (node: NodeContext) => RecordStep;
    }
  | { readonly type: 'processor'; readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown> };

export interface SourceNodeDef {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: readonly string[];
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor;
  /** Wraps the value serde once it is known (internal topics carrying table changes). */
  readonly valueSerdeWrapper?: (inner: Serde<unknown>) => Serde<unknown>;
  readonly children: string[];
}

export interface ProcessorNodeDef {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  readonly children: string[];
  readonly stores: Set<string>;
  readonly implementation: NodeImplementation;
}

export interface SinkNodeDef {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly children: string[];
  readonly topic: string | TopicNameExtractor;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly partitioner?: StreamPartitioner;
  readonly valueSerdeWrapper?: (inner: Serde<unknown>) => Serde<unknown>;
}

export type NodeDef = SourceNodeDef | ProcessorNodeDef | SinkNodeDef;
