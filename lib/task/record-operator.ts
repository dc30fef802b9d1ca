import { Observable, Subscriber, type OperatorFunction } from 'rxjs';
import type { Emitter } from '../topology/internal/node-context.ts';

export type { Emitter };

/**
 * Calls `onValue` for each value with the downstream subscriber. A Subscriber subclass rather than
 * an observer object: RxJS then links it into the chain as is, with no SafeSubscriber wrapper,
 * the way its own operators do (this is the per-record hot path). RxJS 7 still allows this use of
 * the Subscriber constructor.
 */
class StepSubscriber<T, R> extends Subscriber<T> {
  /** `out` is where values go (the head of a line of steps), `destination` gets errors and completion. */
  constructor(
    destination: Subscriber<R>,
    private readonly onValue: (value: T, out: Emitter<R>) => void,
    private readonly out: Emitter<R> = destination,
  ) {
    super(destination);
  }

  protected override _next(value: T): void {
    this.onValue(value, this.out);
  }
}

/**
 * Builds an RxJS operator from a per-record function that may emit zero or more records.
 * The function must not throw (nodes route user errors to the task); errors and completion
 * of the source are passed through to the consumer.
 */
export function recordOperator<T, R>(onValue: (value: T, out: Emitter<R>) => void): OperatorFunction<T, R> {
  return (source) => new Observable<R>((subscriber) => source.subscribe(new StepSubscriber(subscriber, onValue)));
}

/**
 * One operator for a line of steps, each emitting straight into the next: the links are built
 * once per subscription, so a record crosses the line as plain function calls.
 */
export function stepsOperator<T>(steps: readonly ((value: T, out: Emitter<T>) => void)[]): OperatorFunction<T, T> {
  if (steps.length === 1) return recordOperator(steps[0]!);
  return (source) =>
    new Observable<T>((subscriber) => {
      let emit: Emitter<T> = subscriber;
      for (let i = steps.length - 1; i > 0; i--) {
        const step = steps[i]!;
        const downstream = emit;
        emit = { next: (value) => step(value, downstream) };
      }
      return source.subscribe(new StepSubscriber<T, T>(subscriber, steps[0]!, emit));
    });
}
