import { createRequire } from 'node:module';
import type * as KafkaJS from 'kafkajs';

// kafkajs, loaded once, with one fix and one speed-up applied first. Every value this library takes from kafkajs
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

/**
 * Puts `replacement` in place of one of kafkajs' internal modules, before the module that
 * requires it (`user`) is loaded; false when it already was, so the original stays in use.
 */
function replaceModule(module: string, user: string, replacement: unknown): boolean {
  if (require.cache[require.resolve(user)]) return false;
  const path = require.resolve(module);
  require(path);
  require.cache[path]!.exports = replacement;
  return true;
}

/** False when kafkajs was loaded before this library, so the fix could not be put in. */
export const abortedRecordsFixed: boolean = replaceModule('kafkajs/src/consumer/filterAbortedMessages.js', 'kafkajs/src/consumer/batch.js', dropAbortedMessages);

// The speed-up: kafkajs 2.2.4 groups a produce request's messages per partition by copying the
// partition's array once per message, a cost that grows with the square of the request's size
// (23% of the CPU of a count benchmark). This groups them in one pass: same partitions, same order.

interface GroupingInput {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly KafkaJS.Message[];
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: KafkaJS.Message }) => number;
}

function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupingInput): Record<number, KafkaJS.Message[]> {
  const grouped: Record<number, KafkaJS.Message[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) (grouped[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return grouped;
}

/** False when kafkajs' producer was loaded before this library (it then groups as it always did). */
export const linearGroupingInstalled: boolean = replaceModule('kafkajs/src/producer/groupMessagesPerPartition.js', 'kafkajs/src/producer/sendMessages.js', groupMessagesPerPartition);

const kafkajs = require('kafkajs') as typeof KafkaJS;
export const { Kafka, KafkaJSProtocolError, Partitioners, logLevel, AssignerProtocol } = kafkajs;

// kafkajs decodes the assignment a member gets from the group leader, then drops its userData,
// where a Streams assignor says what else the member is to do (standby tasks, who hosts which
// task). Every decoded assignment's userData goes to these listeners first. The decoder is a
// method of a shared object, so this works whatever was imported first.
const assignmentListeners = new Set<(userData: Buffer) => void>();
const decodeAssignment = AssignerProtocol.MemberAssignment.decode.bind(AssignerProtocol.MemberAssignment);
AssignerProtocol.MemberAssignment.decode = (buffer: Buffer) => {
  const decoded = decodeAssignment(buffer);
  if (decoded && decoded.userData.length > 0) for (const listener of assignmentListeners) listener(decoded.userData);
  return decoded;
};

/** Calls `listener` with the userData of every group assignment a consumer of this process receives. */
export function onAssignmentUserData(listener: (userData: Buffer) => void): () => void {
  assignmentListeners.add(listener);
  return () => assignmentListeners.delete(listener);
}
