/** A time window: `start` inclusive; `end` exclusive for time windows, inclusive for session windows. */
export interface Window {
  /** Start of the window, in milliseconds since the epoch (inclusive). */
  readonly start: number;
  /** End of the window, in milliseconds since the epoch: exclusive for time windows, inclusive for sessions. */
  readonly end: number;
}

/** A key of a windowed aggregation: the record key and the window it is aggregated in. */
export interface Windowed<K> {
  /** The record key the aggregate is for. */
  readonly key: K;
  /** The window or session of the aggregate. */
  readonly window: Window;
}
