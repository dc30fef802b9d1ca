import type { StateStore } from '../state/state-store.ts';
import type { Cancellable, PunctuationType, Punctuator } from './punctuation.ts';
import type { RecordContext, StreamRecord } from './record.ts';

/**
 * What a processor can do besides receiving records: forward them, read its stores, schedule
 * punctuations and learn where the current record came from.
 */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  /** The application's `applicationId` from the config. */
  readonly applicationId: string;
  /** `<subTopology>_<partition>`, as Kafka Streams names tasks. */
  readonly taskId: string;
  /** Sends a record to every child, or to the named child only. */
  forward<K extends KForward, V extends VForward>(record: StreamRecord<K, V>, childName?: string): void;
  /** A store connected to this processor (or a global store); throws naming the store otherwise. */
  getStateStore<S extends StateStore>(name: string): S;
  /**
   * Calls `punctuator` every `intervalMs` milliseconds (at least 1) of stream time or of wall-clock time, as Kafka Streams'
   * `ProcessorContext.schedule`. A stream-time schedule first fires on the first record; a schedule that missed several
   * intervals fires once. A punctuator that throws goes to the processing exception handler.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** The topic, partition and offset of the record being processed; undefined inside a punctuation. */
  recordMetadata(): RecordContext | undefined;
  /** The largest record timestamp this task has seen, or -1 before the first record. */
  currentStreamTimeMs(): number;
  /** The host's clock in milliseconds since the epoch: the wall clock under the Kafka runtime, the driver's own clock in tests. */
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
  /** Called once when the task starts, before any record; keep `context` to forward records and reach stores. Throwing fails the task. */
  init?(context: ProcessorContext<KOut, VOut>): void;
  /** Called for each record from the parent nodes. Throwing goes to the processing exception handler. */
  process(record: StreamRecord<KIn, VIn>): void;
  /** Called once when the task closes, to release what `init` took; an error thrown here is logged, not raised. */
  close?(): void;
}

/** Makes a new processor for each task. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
