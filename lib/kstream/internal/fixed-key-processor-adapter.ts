import type { FixedKeyProcessorSupplier } from '../../processor/fixed-key-processor.ts';
import { toFixedKeyRecord } from '../../processor/fixed-key-record.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';

/**
 * A fixed-key processor run as a Processor API node, so `processValues` shares the engine's one
 * processor path (context, stores, punctuation, errors, close) with `process`. Kafka's
 * ProcessorNode does the same two things for it: hands it the node's context, and each record as
 * a FixedKeyRecord.
 */
export function fixedKeyProcessorAdapter<KIn, VIn, VOut>(supplier: FixedKeyProcessorSupplier<KIn, VIn, VOut>): ProcessorSupplier<KIn, VIn, KIn, VOut> {
  return () => {
    const processor = supplier();
    return {
      // The engine's context accepts any StreamRecord, a FixedKeyRecord among them.
      init: (context) => processor.init?.(context),
      process: (record) => processor.process(toFixedKeyRecord(record)),
      close: () => processor.close?.(),
    };
  };
}
