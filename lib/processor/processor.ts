import type { StateStore } from '../state/state-store.ts';
import type { Cancellable, PunctuationType, Punctuator } from './punctuation.ts';
import type { RecordContext, StreamRecord } from './record.ts';

/**
 * What a processor can do besides receiving records: forward them, read its stores, schedule
 * punctuations and learn where the current record came from.
 */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  readonly applicationId: string;
  /** `<subTopology>_<partition>`, as Kafka Streams names tasks. */
  readonly taskId: string;
  /** Sends a record to every child, or to the named child only. */
  forward<K extends KForward, V extends VForward>(record: StreamRecord<K, V>, childName?: string): void;
  /** A store connected to this processor (or a global store); throws naming the store otherwise. */
  getStateStore<S extends StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** The topic, partition and offset of the record being processed; undefined inside a punctuation. */
  recordMetadata(): RecordContext | undefined;
  /** The largest record timestamp this task has seen, or -1 before the first record. */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Asks for a commit as soon as possible (the runtime commits on its interval anyway). */
  commit(): void;
}

/**
 * A custom processing step (Processor API). One instance per task.
 *
 * ```ts
 * import type { Processor, ProcessorContext, StreamRecord } from 'rx-kafka-streams';
 *
 * class Upper implements Processor<string, string, string, string> {
 *   private context!: ProcessorContext<string, string>;
 *   init(context: ProcessorContext<string, string>): void {
 *     this.context = context;
 *   }
 *   process(record: StreamRecord<string, string>): void {
 *     this.context.forward({ ...record, value: record.value.toUpperCase() });
 *   }
 * }
 * topology.addProcessor('upper', () => new Upper(), 'source');
 * ```
 */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Makes a new processor for each task. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
