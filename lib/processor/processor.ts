import type { ProcessingContext } from './processing-context.ts';
import type { StreamRecord } from './record.ts';

/** What a processor can do besides receiving records: forward them (with any key), and all a `ProcessingContext` offers. */
export interface ProcessorContext<KForward = unknown, VForward = unknown> extends ProcessingContext {
  /** Sends a record to every child, or to the named child only. */
  forward<K extends KForward, V extends VForward>(record: StreamRecord<K, V>, childName?: string): void;
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
