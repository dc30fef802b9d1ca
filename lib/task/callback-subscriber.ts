import { Subscriber } from 'rxjs';

export interface Callbacks<T> {
  next?(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

/**
 * An end subscriber for the per-record path. Unlike `subscribe({ next })`, which wraps the observer
 * in a SafeSubscriber, this calls straight through, so a bug that throws in a callback surfaces
 * where the record was pushed instead of later on a timer.
 */
export class CallbackSubscriber<T> extends Subscriber<T> {
  /** Looked up once: `_next` runs per record. Called as a plain function, so pass arrows, not methods that use `this`. */
  private readonly onNext: (value: T) => void;

  constructor(private readonly callbacks: Callbacks<T>) {
    super();
    this.onNext = callbacks.next ?? noop;
  }

  protected override _next(value: T): void {
    this.onNext(value);
  }

  protected override _error(error: unknown): void {
    try {
      this.callbacks.error?.(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.callbacks.complete?.();
    } finally {
      this.unsubscribe();
    }
  }
}

function noop(): void {}
