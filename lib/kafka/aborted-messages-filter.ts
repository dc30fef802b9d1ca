// kafkajs 2.2.4 drops aborted records under read_committed assuming the broker lists a fetch's
// aborted transactions by first offset; the broker lists them by when they were aborted. With
// aborted transactions of several producers in one fetch (a repartition topic after a crash,
// under exactly-once), aborted records got through and were processed. This filter walks the
// records in offset order against the list sorted by first offset, as the Java consumer does.

/** A fetched record as kafkajs' consumer holds it before filtering. */
export interface FilterableMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

/** An aborted transaction as a fetch response lists it. */
export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

function byFirstOffset(a: AbortedTransaction, b: AbortedTransaction): number {
  const x = BigInt(a.firstOffset);
  const y = BigInt(b.firstOffset);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The records of a fetch without those of its aborted transactions (control records are kept). */
export function dropAbortedMessages<M extends FilterableMessage>({
  messages,
  abortedTransactions,
}: {
  messages: M[];
  abortedTransactions?: AbortedTransaction[];
}): M[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = [...abortedTransactions].sort(byFirstOffset);
  const aborted = new Set<string>();
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (pending.length > 0 && offset >= BigInt(pending[0]!.firstOffset)) aborted.add(String(pending.shift()!.producerId));
    const producerId = String(message.batchContext.producerId);
    if (message.isControlRecord && message.key && Buffer.from(message.key).equals(ABORT_MARKER_KEY)) {
      aborted.delete(producerId);
      return true;
    }
    return !(message.batchContext.inTransaction && aborted.has(producerId));
  });
}
