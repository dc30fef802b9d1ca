import { createRequire } from 'node:module';
import type * as KafkaJS from 'kafkajs';

// kafkajs, loaded once, with one fix applied first. Every value this library takes from kafkajs
// comes through here (type imports may come from 'kafkajs' directly).
//
// The fix: kafkajs 2.2.4 drops aborted records under read_committed assuming the broker lists a
// fetch's aborted transactions by first offset; the broker lists them by when they were aborted.
// With aborted transactions of several producers in one fetch (a repartition topic after a crash,
// under exactly-once), aborted records got through and were processed. The filter below walks the
// records in offset order against the list sorted by first offset, as the Java consumer does.

const require = createRequire(import.meta.url);

interface FilterableMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

function dropAbortedMessages({ messages, abortedTransactions }: { messages: FilterableMessage[]; abortedTransactions?: AbortedTransaction[] }): FilterableMessage[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = [...abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
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

/** False when kafkajs was loaded before this library, so the fix could not be put in. */
export const abortedRecordsFixed: boolean = (() => {
  const filterPath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
  if (require.cache[require.resolve('kafkajs/src/consumer/batch.js')]) return false;
  require(filterPath);
  require.cache[filterPath]!.exports = dropAbortedMessages;
  return true;
})();

const kafkajs = require('kafkajs') as typeof KafkaJS;
export const { Kafka, Partitioners, logLevel } = kafkajs;
