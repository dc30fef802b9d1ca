import { KeyvBackendException, StreamsException, errorMessage } from '../errors.ts';
import { isTransientError } from '../kafka/transient-errors.ts';

/** A failure a task waits out (until its task timeout) rather than failing the instance at once. */
export function isRecoverable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof KeyvBackendException) return true;
    current = current.cause;
  }
  return isTransientError(error);
}

/** At most this many revivals of one task within REVIVAL_WINDOW_MS before the instance gives up. */
export const MAX_REVIVALS = 5;
export const REVIVAL_WINDOW_MS = 60_000;

/**
 * How each task of a stream thread fares (Kafka Streams' task timeout bookkeeping): since when it
 * keeps failing for reasons that can pass, and how often it was started again. Past
 * `taskTimeoutMs` of failing, or after too many revivals in a minute, it says to give up with
 * an error naming the task, what it waited for and for how long.
 */
export class TaskHealth {
  private readonly failingSince = new Map<string, number>();
  private readonly revivals = new Map<string, number[]>();

  constructor(private readonly taskTimeoutMs: number) {}

  /**
   * The task could not do `concern` (e.g. "write its stores to Keyv") for a reason that can pass.
   * Returns how long it has been failing at it; throws once that is past the task timeout.
   */
  failed(taskId: string, concern: string, error: unknown, now = Date.now()): number {
    const key = `${taskId}|${concern}`;
    const since = this.failingSince.get(key) ?? now;
    this.failingSince.set(key, since);
    const failingFor = now - since;
    if (failingFor > this.taskTimeoutMs) {
      throw new StreamsException(
        `Task ${taskId} could not ${concern} for ${failingFor} ms, longer than taskTimeoutMs (${this.taskTimeoutMs}); last error: ${errorMessage(error)}`,
        { cause: error, location: { taskId } },
      );
    }
    return failingFor;
  }

  /** The task did `concern` again: its failures at it are behind it. True when it had been failing. */
  succeeded(taskId: string, concern: string): boolean {
    return this.failingSince.delete(`${taskId}|${concern}`);
  }

  /** The task is started again for `reason`; throws when that happened too often within a minute. */
  revived(taskId: string, reason: string, now = Date.now()): void {
    const recent = (this.revivals.get(taskId) ?? []).filter((at) => now - at < REVIVAL_WINDOW_MS);
    recent.push(now);
    this.revivals.set(taskId, recent);
    if (recent.length > MAX_REVIVALS) {
      throw new StreamsException(
        `Task ${taskId} was started again ${recent.length} times within ${REVIVAL_WINDOW_MS / 1000} s; giving up. Last reason: ${reason}`,
        { location: { taskId } },
      );
    }
  }

  /** The task left the thread: nothing of it is tracked any more. */
  forget(taskId: string): void {
    for (const key of this.failingSince.keys()) if (key.startsWith(`${taskId}|`)) this.failingSince.delete(key);
    this.revivals.delete(taskId);
  }
}
