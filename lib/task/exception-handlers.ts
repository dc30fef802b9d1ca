import type { StreamsException } from '../errors.ts';
import type { ConsumedRecord } from '../processor/record.ts';

/** What to do after a record could not be deserialized or processed. */
export type ExceptionHandlerResponse = 'continue' | 'fail';

/**
 * Decides the fate of a failed record. `'fail'` stops the task with the error (nothing past the
 * record is committed); `'continue'` skips the record after the handler has dealt with it.
 * `record` is the input record as it was read (bytes, on a Kafka or driver task), when there is one.
 */
export type ExceptionHandler = (error: StreamsException, record: ConsumedRecord<unknown, unknown> | undefined) => ExceptionHandlerResponse;

export const failOnError: ExceptionHandler = () => 'fail';

/** `'fail'`, `'log-and-continue'`, or a handler of your own. */
export type ExceptionHandlerOption = 'fail' | 'log-and-continue' | ExceptionHandler;

export function resolveExceptionHandler(option: ExceptionHandlerOption | undefined): ExceptionHandler {
  if (option === undefined || option === 'fail') return failOnError;
  if (option === 'log-and-continue') return () => 'continue';
  if (typeof option === 'function') return option;
  throw new TypeError(`Unknown exception handler ${JSON.stringify(option)}; use 'fail', 'log-and-continue' or a function`);
}
