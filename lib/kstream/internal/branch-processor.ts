import type { ProcessorContext, ProcessorSupplier } from '../../processor/processor.ts';
import type { StreamRecord } from '../../processor/record.ts';

export interface BranchRoute<K, V> {
  readonly predicate: (key: K, value: V) => boolean;
  readonly childName: string;
}

/**
 * Sends each record to the first branch whose predicate holds, else to the default branch,
 * else nowhere. Routes are read at run time, so branches added after `split()` are seen.
 */
export function branchProcessor<K, V>(routes: BranchRoute<K, V>[], defaultChild: () => string | undefined): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(ctx) {
        context = ctx;
      },
      process(record: StreamRecord<K, V>) {
        for (const route of routes) {
          if (route.predicate(record.key, record.value)) {
            context.forward(record, route.childName);
            return;
          }
        }
        const fallback = defaultChild();
        if (fallback !== undefined) context.forward(record, fallback);
      },
    };
  };
}
