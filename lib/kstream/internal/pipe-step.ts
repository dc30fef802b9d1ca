import { catchError, throwError, type Observable, type OperatorFunction } from 'rxjs';
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
      (operators.reduce<Observable<unknown>>((stream, operator) => operator(stream), source) as Observable<AnyRecord>).pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof StreamsException
              ? error
              : new ProcessingException(`Operators piped at ${node.name} failed: ${errorMessage(error)}`, { cause: error, location: node.task.location(node.name) }),
          ),
        ),
      ),
  };
}
