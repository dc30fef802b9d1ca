/** A time window: `start` inclusive; `end` exclusive for time windows, inclusive for session windows. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** A key of a windowed aggregation: the record key and the window it is aggregated in. */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}
