import { catchError, map, throwError, type Observable, type OperatorFunction } from 'rxjs';
import { ProcessingException, StreamsException, errorMessage } from '../../errors.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';

type AnyRecord = StreamRecord<unknown, unknown>;

/**
 * User RxJS operators as one node. Their errors arrive as error notifications, so they fail the
 * task (an operator chain cannot skip one record); the error names the node.
 */
export function pipeStep(operators: readonly OperatorFunction<unknown, unknown>[]): NodeImplementation {
  return {
    type: 'operator',
    create: (node) => (source) =>
      operators
        .reduce<Observable<unknown>>((stream, operator) => operator(stream), source)
        .pipe(
          map(asRecord),
          catchError((error: unknown) =>
            throwError(() =>
              error instanceof StreamsException
                ? error
                : new ProcessingException(`Operators piped at ${node.name} failed: ${errorMessage(error)}`, {
                    cause: error,
                    location: node.task.location(node.name),
                  }),
            ),
          ),
        ),
  };
}

/** The catch-all `pipe` overload lets any value through the types; what is not a record would reach sinks as garbage. */
function asRecord(emitted: unknown): AnyRecord {
  const record = emitted as Partial<AnyRecord> | null;
  if (record === null || typeof record !== 'object' || !('key' in record) || !('value' in record) || typeof record.timestamp !== 'number') {
    const shown = Array.isArray(emitted)
      ? `an array of ${emitted.length}`
      : typeof emitted === 'object' && emitted !== null
        ? `an object with [${Object.keys(emitted).join(', ')}]`
        : `${typeof emitted} ${String(emitted)}`;
    throw new TypeError(`the last operator must emit records ({ key, value, timestamp, headers }), got ${shown}`);
  }
  return record as AnyRecord;
}
