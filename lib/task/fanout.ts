import { Observable, type Subscriber } from 'rxjs';

/**
 * A minimal multicasting source for the per-record path: like a Subject, minus what costs time
 * per value (RxJS 7's CommonJS build iterates a Subject's observers through an iterator helper).
 * Subscribers that come after completion or an error get that at once, as with a Subject.
 */
export class Fanout<T> extends Observable<T> {
  private subscribers: Subscriber<T>[] = [];
  private ended: { error: unknown } | 'complete' | undefined;

  constructor() {
    super((subscriber) => {
      if (this.ended === 'complete') return subscriber.complete();
      if (this.ended) return subscriber.error(this.ended.error);
      // Copy on write: a loop over the old array in next() is not disturbed.
      this.subscribers = [...this.subscribers, subscriber];
      return () => {
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      };
    });
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    // Most have one subscriber (a task's input, a source with one child): no loop for them.
    if (subscribers.length === 1) subscribers[0]!.next(value);
    else for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  error(error: unknown): void {
    if (this.ended) return;
    this.ended = { error };
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.error(error);
  }

  complete(): void {
    if (this.ended) return;
    this.ended = 'complete';
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}
