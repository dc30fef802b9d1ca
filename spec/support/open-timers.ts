// Where each timer of the spec process was set, kept while it is pending: when a run does not
// exit, the timers still holding it open are named by the code that set them. Node lists timers
// among its active resources only as "Timeout", with nothing to say whose.

interface PendingTimer {
  readonly ms: number | undefined;
  readonly repeat: boolean;
  /** Error.captureStackTrace's holder: V8 formats the stack only if it is read. */
  readonly where: { stack?: string };
}

const pending = new Map<NodeJS.Timeout, PendingTimer>();

/** Wraps the global setTimeout/setInterval and their clear functions (once, before any spec loads). */
export function trackTimers(): void {
  const { setTimeout: setTimeout_, setInterval: setInterval_, clearTimeout: clearTimeout_, clearInterval: clearInterval_ } = globalThis;
  const track = (set: (...args: unknown[]) => NodeJS.Timeout, repeat: boolean) =>
    function tracked(this: unknown, callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout {
      const where = {};
      Error.captureStackTrace(where, tracked);
      const timer = set.call(
        this,
        function (this: unknown, ...callbackArgs: unknown[]) {
          if (!repeat) pending.delete(timer);
          return callback.apply(this, callbackArgs);
        },
        ms,
        ...args,
      );
      pending.set(timer, { ms, repeat, where });
      return timer;
    };
  // Object.assign keeps setTimeout's own properties (its promisified form, which util.promisify uses).
  globalThis.setTimeout = Object.assign(track(setTimeout_ as never, false), setTimeout_) as unknown as typeof setTimeout_;
  globalThis.setInterval = Object.assign(track(setInterval_ as never, true), setInterval_) as unknown as typeof setInterval_;
  globalThis.clearTimeout = ((timer?: NodeJS.Timeout) => {
    if (timer) pending.delete(timer);
    clearTimeout_(timer);
  }) as typeof clearTimeout_;
  globalThis.clearInterval = ((timer?: NodeJS.Timeout) => {
    if (timer) pending.delete(timer);
    clearInterval_(timer);
  }) as typeof clearInterval_;
}

/** The timers that keep the process alive (referenced, not fired or cleared), each with where it was set. */
export function openTimers(): string[] {
  const open: string[] = [];
  for (const [timer, { ms, repeat, where }] of pending) {
    if (!timer.hasRef() || (timer as { _destroyed?: boolean })._destroyed) continue;
    const frames = (where.stack ?? '')
      .split('\n')
      .slice(1, 9)
      .map((line) => line.trim());
    open.push(`${repeat ? 'interval' : 'timeout'} of ${ms} ms, set at ${frames.join(' < ')}`);
  }
  return open;
}
