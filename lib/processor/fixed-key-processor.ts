import type { FixedKeyRecord } from './fixed-key-record.ts';
import type { ProcessingContext } from './processing-context.ts';

/**
 * The context of a `FixedKeyProcessor`: it forwards only `FixedKeyRecord`s, so the key of what it
 * sends on is the key of a record it was handed; otherwise all a `ProcessingContext` offers.
 */
export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown> extends ProcessingContext {
  /** Sends a record to every child, or to the named child only. */
  forward<K extends KForward, V extends VForward>(record: FixedKeyRecord<K, V>, childName?: string): void;
}

/**
 * A custom processing step that may change each record's value, timestamp and headers but never
 * its key (Kafka Streams' `FixedKeyProcessor`), run by `KStream.processValues`. Because the key
 * stays, the stream keeps its partitioning: a later grouping or join needs no repartition topic.
 * One instance per task.
 *
 * ```ts
 * import type { FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord, KeyValueStore } from 'rx-kafka-streams';
 *
 * // Numbers each visit per user, remembering the count in the store 'visits'.
 * class VisitCounter implements FixedKeyProcessor<string, string, string> {
 *   private context!: FixedKeyProcessorContext<string, string>;
 *   private visits!: KeyValueStore<string, number>;
 *   init(context: FixedKeyProcessorContext<string, string>): void {
 *     this.context = context;
 *     this.visits = context.getStateStore<KeyValueStore<string, number>>('visits');
 *   }
 *   process(record: FixedKeyRecord<string, string>): void {
 *     const count = (this.visits.get(record.key) ?? 0) + 1;
 *     this.visits.put(record.key, count);
 *     this.context.forward(record.withValue(`${record.value} (visit ${count})`));
 *   }
 * }
 * builder.stream<string, string>('page-views').processValues(() => new VisitCounter(), 'visits');
 * ```
 */
export interface FixedKeyProcessor<KIn, VIn, VOut = never> {
  /** Called once when the task starts, before any record; keep `context` to forward records and reach stores. Throwing fails the task. */
  init?(context: FixedKeyProcessorContext<KIn, VOut>): void;
  /** Called for each record from the parent node. Throwing goes to the processing exception handler. */
  process(record: FixedKeyRecord<KIn, VIn>): void;
  /** Called once when the task closes, to release what `init` took; an error thrown here is logged, not raised. */
  close?(): void;
}

/** Makes a new fixed-key processor for each task. */
export type FixedKeyProcessorSupplier<KIn, VIn, VOut = never> = () => FixedKeyProcessor<KIn, VIn, VOut>;
