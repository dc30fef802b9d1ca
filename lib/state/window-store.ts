import type { KeyValue } from '../processor/record.ts';
import type { Windowed } from '../windows/windowed.ts';
import type { ReadOnlyKeyValueStore } from './key-value-store.ts';
import { sameKey } from './internal/same-key.ts';

/** Reads of a windowed aggregation's store: by key and window start time. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of the window of `key` that starts at `windowStart`. */
  fetch(key: K, windowStart: number): V | undefined;
  /** The windows of `key` starting in `[timeFrom, timeTo]`, by start time. */
  fetchRange(key: K, timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  /** The windows of every key starting in `[timeFrom, timeTo]`, by start time. */
  fetchAll(timeFrom: number, timeTo: number): KeyValue<Windowed<K>, V>[];
  /** Every window of every key, by start time. */
  all(): KeyValue<Windowed<K>, V>[];
}

/** Reads of a session aggregation's store. */
export interface ReadOnlySessionStore<K, V> {
  /** The sessions of `key` ending at or after `earliestSessionEnd` and starting at or before `latestSessionStart`. */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): KeyValue<Windowed<K>, V>[];
  /** Every session of `key`, by start time. */
  fetch(key: K): KeyValue<Windowed<K>, V>[];
}

const byStart = <K, V>(a: KeyValue<Windowed<K>, V>, b: KeyValue<Windowed<K>, V>): number => a.key.window.start - b.key.window.start;

/** A windowed aggregation's key-value store (keys are `Windowed<K>`) read as a window store. */
export function windowStoreView<K, V>(store: ReadOnlyKeyValueStore<Windowed<K>, V>, windowSizeMs?: number): ReadOnlyWindowStore<K, V> {
  const fetchAll = (from: number, to: number) =>
    store
      .all()
      .filter((e) => e.key.window.start >= from && e.key.window.start <= to)
      .sort(byStart);
  return {
    fetch: (key, windowStart) =>
      windowSizeMs !== undefined
        ? store.get({ key, window: { start: windowStart, end: windowStart + windowSizeMs } })
        : store.all().find((e) => sameKey(e.key.key, key) && e.key.window.start === windowStart)?.value,
    fetchRange: (key, from, to) => fetchAll(from, to).filter((e) => sameKey(e.key.key, key)),
    fetchAll,
    all: () => store.all().sort(byStart),
  };
}

/** A session aggregation's key-value store read as a session store. */
export function sessionStoreView<K, V>(store: ReadOnlyKeyValueStore<Windowed<K>, V>): ReadOnlySessionStore<K, V> {
  const sessionsOf = (key: K) =>
    store
      .all()
      .filter((e) => sameKey(e.key.key, key))
      .sort(byStart);
  return {
    findSessions: (key, earliestEnd, latestStart) => sessionsOf(key).filter((e) => e.key.window.end >= earliestEnd && e.key.window.start <= latestStart),
    fetch: sessionsOf,
  };
}
