import { Observable, Subscriber, type OperatorFunction } from 'rxjs';
import type { RecordHeaders, StreamRecord } from '../processor/record.ts';
import type { Emitter } from '../topology/internal/node-context.ts';

export type { Emitter };

/** Where a step sends a record as its four fields, when the next step takes them so (see FieldsForm). */
export interface FieldsEmitter {
  fields(key: unknown, value: unknown, timestamp: number, headers: RecordHeaders): void;
}

/**
 * The same step taking a record as its four fields: in a line of steps that all have this form,
 * no record object is built between them, only by the last (the sink). `emitsFields` says
 * whether it emits fields (to the next step's form) or records (a sink, to the subscriber).
 */
export interface FieldsForm {
  readonly emitsFields: boolean;
  run(key: unknown, value: unknown, timestamp: number, headers: RecordHeaders, out: FieldsEmitter & Emitter<unknown>): void;
}

type AnyRecord = StreamRecord<unknown, unknown>;
type Step<T> = ((value: T, out: Emitter<T>) => void) & { readonly fieldsForm?: FieldsForm };

/** Gives a step its fields form; the step itself stays what runs when its neighbours take records. */
export function withFieldsForm<S extends (record: never, out: never) => void>(step: S, form: FieldsForm): S & { readonly fieldsForm: FieldsForm } {
  return Object.assign(step, { fieldsForm: form });
}

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

/** The head of a line of steps in fields form: takes the record apart once. */
class FieldsStepSubscriber extends Subscriber<AnyRecord> {
  constructor(
    destination: Subscriber<unknown>,
    private readonly form: FieldsForm,
    private readonly out: FieldsEmitter & Emitter<unknown>,
  ) {
    super(destination);
  }

  protected override _next(record: AnyRecord): void {
    this.form.run(record.key, record.value, record.timestamp, record.headers, this.out);
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
 * once per subscription, so a record crosses the line as plain function calls. A step runs in its
 * fields form when what it emits to takes that form (the next step's fields form, or for a sink
 * the subscriber), so a line of such steps up to a sink passes records on as their fields.
 */
export function stepsOperator<T>(steps: readonly Step<T>[]): OperatorFunction<T, T> {
  if (steps.length === 1) return recordOperator(steps[0]!);
  return (source) =>
    new Observable<T>((subscriber) => {
      // Built from the end: `emit` takes what step i emits, in fields when `emit.fields` is set.
      let emit: Emitter<T> & Partial<FieldsEmitter> = subscriber;
      let takesFields = false;
      for (let i = steps.length - 1; i > 0; i--) {
        const step = steps[i]!;
        const downstream = emit;
        const form = step.fieldsForm;
        if (form && form.emitsFields === takesFields) {
          const out = downstream as FieldsEmitter & Emitter<unknown>;
          emit = {
            next: (r) => form.run((r as AnyRecord).key, (r as AnyRecord).value, (r as AnyRecord).timestamp, (r as AnyRecord).headers, out),
            fields: (key, value, timestamp, headers) => form.run(key, value, timestamp, headers, out),
          };
          takesFields = true;
        } else {
          emit = { next: (value) => step(value, downstream) };
          takesFields = false;
        }
      }
      const first = steps[0]!.fieldsForm;
      if (first && first.emitsFields === takesFields)
        return source.subscribe(
          new FieldsStepSubscriber(subscriber as Subscriber<unknown>, first, emit as FieldsEmitter & Emitter<unknown>) as Subscriber<unknown>,
        );
      return source.subscribe(new StepSubscriber<T, T>(subscriber, steps[0]!, emit));
    });
}
