import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/**
 * Builds an RxJS operator from a per-record function that may emit zero or more records.
 * The function must not throw (nodes route user errors to the task); errors and completion
 * of the source are passed through to the consumer.
 */
export function recordOperator<T, R>(onValue: (value: T, out: Subscriber<R>) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) =>
      source.subscribe({
        next: (value) => onValue(value, subscriber),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
