/**
 * Wall-clock time as a task sees it. The test driver moves it by hand, `runTopology` follows an
 * RxJS scheduler (virtual under TestScheduler), and the Kafka runtime uses the real clock.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, callback: () => void): () => void;
}

/** The process's real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
