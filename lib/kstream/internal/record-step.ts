import type { Subscriber } from 'rxjs';
import type { StreamRecord } from '../../processor/record.ts';
import type { NodeRuntime } from '../../task/node-runtime.ts';
import { recordOperator } from '../../task/record-operator.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';

type Step<KIn, VIn, KOut, VOut> = (record: StreamRecord<KIn, VIn>, out: Subscriber<StreamRecord<KOut, VOut>>) => void;

/**
 * A DSL step as an RxJS operator node. `create` runs once per task (to look up stores) and
 * returns the per-record step, which emits zero or more records. Whatever the step throws goes
 * to the task's processing exception handler, which fails the task or skips the record.
 */
export function nodeStep<KIn, VIn, KOut, VOut>(create: (node: NodeRuntime) => Step<KIn, VIn, KOut, VOut>): NodeImplementation {
  return {
    type: 'operator',
    create: (node) => {
      const step = create(node) as Step<unknown, unknown, unknown, unknown>;
      return recordOperator<StreamRecord<unknown, unknown>, StreamRecord<unknown, unknown>>((record, out) => {
        try {
          step(record, out);
        } catch (error) {
          node.error(error);
        }
      });
    },
  };
}

/** A step that needs nothing from its task. */
export function recordStep<KIn, VIn, KOut, VOut>(step: Step<KIn, VIn, KOut, VOut>): NodeImplementation {
  return nodeStep(() => step);
}
