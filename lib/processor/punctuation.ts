/** Which clock a punctuator follows: the task's stream time or the wall clock. */
export type PunctuationType = 'stream-time' | 'wall-clock';

/** Called by a schedule with the time of the punctuation (stream time or wall-clock time). */
export type Punctuator = (timestamp: number) => void;

/** Stops a schedule. */
export interface Cancellable {
  /** Stops the schedule: its punctuator is not called again. */
  cancel(): void;
}
