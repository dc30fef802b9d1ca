import type { StreamRecord } from '../../processor/record.ts';
import type { NodeContext } from '../../topology/internal/node-context.ts';
import { recordOperator, type Emitter } from '../../task/record-operator.ts';
import type { NodeImplementation, RecordStep } from '../../topology/internal/node-defs.ts';

type Step<KIn, VIn, KOut, VOut> = (record: StreamRecord<KIn, VIn>, out: Emitter<StreamRecord<KOut, VOut>>) => void;

/**
 * A DSL step as an RxJS operator node. `create` runs once per task (to look up stores) and
 * returns the per-record step, which emits zero or more records. Whatever the step throws goes
 * to the task's processing exception handler, which fails the task or skips the record.
 */
export function nodeStep<KIn, VIn, KOut, VOut>(create: (node: NodeContext) => Step<KIn, VIn, KOut, VOut>): NodeImplementation {
  const guarded = (node: NodeContext): RecordStep => {
    const step = create(node) as Step<unknown, unknown, unknown, unknown>;
    return (record, out) => {
      try {
        step(record, out);
      } catch (error) {
        node.error(error);
      }
    };
  };
  return { type: 'operator', step: guarded, create: (node) => recordOperator(guarded(node)) };
}

/**
 * A step that catches what it throws itself and passes it to `node.error`, as nodeStep's guard
 * would: for the per-record hot path, where the guard's call of the step costs a call per record
 * that V8 cannot inline (every node's step goes through the same guard).
 */
export function selfGuardedStep<KIn, VIn, KOut, VOut>(create: (node: NodeContext) => Step<KIn, VIn, KOut, VOut>): NodeImplementation {
  const step = (node: NodeContext): RecordStep => create(node) as RecordStep;
  return { type: 'operator', step, create: (node) => recordOperator(step(node)) };
}

/** A step that needs nothing from its task. */
export function recordStep<KIn, VIn, KOut, VOut>(step: Step<KIn, VIn, KOut, VOut>): NodeImplementation {
  return nodeStep(() => step);
}
