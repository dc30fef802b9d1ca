import type { StateStore } from '../state/state-store.ts';
import type { Cancellable, PunctuationType, Punctuator } from './punctuation.ts';
import type { RecordContext } from './record.ts';

/**
 * What every processor's context offers besides forwarding: its stores, punctuations and where the
 * current record came from. `ProcessorContext` and `FixedKeyProcessorContext` add the `forward`
 * that fits their kind of processor, as Kafka Streams' `ProcessingContext` does.
 */
export interface ProcessingContext {
  /** The application's `applicationId` from the config. */
  readonly applicationId: string;
  /** `<subTopology>_<partition>`, as Kafka Streams names tasks. */
  readonly taskId: string;
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
