import { kafkajs } from './kafkajs.ts';

/**
 * The broker's answers to a producer that a newer one with the same transactional id has fenced,
 * or is fencing:
 * - CONCURRENT_TRANSACTIONS, while the coordinator still aborts the old producer's open
 *   transaction for the new one;
 * - UNKNOWN_SERVER_ERROR, which Kafka 4.1 gave to the old producer's EndTxn (of the version kafkajs
 *   speaks) that raced the new producer's InitProducerId, in this project's rebalance specs.
 * Taking one for a fence is safe under exactly-once: the task starts again from what was committed.
 */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'CONCURRENT_TRANSACTIONS', 'UNKNOWN_SERVER_ERROR']);

/**
 * True when a transaction failed because the task's transactional id has been taken over: the
 * task belongs to another instance now, or must start again from what was committed.
 */
export function isProducerFenced(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (FENCED.has(String((current as { type?: unknown }).type))) return true;
    current = current.cause;
  }
  return false;
}

/**
 * True when kafkajs' transaction manager refused a call in the state it is in ("Transaction state
 * exception: ..."): the producer, not the broker, is stuck (kafkajs stays in COMMITTING or
 * ABORTING after an EndTxn that failed), so a new producer can go on where it cannot.
 */
export function isTransactionStateError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === 'KafkaJSNonRetriableError' && current.message.startsWith('Transaction state exception')) return true;
    current = current.cause;
  }
  return false;
}

/**
 * kafkajs' consumer has no enforceRebalance(). Thrown from an eachBatch handler, this error has
 * its runner join the group again, as when the broker announces a rebalance: it then fetches each
 * assigned partition again from its committed offset.
 */
export function rejoinGroupError(reason: string): Error {
  return new (kafkajs().KafkaJSProtocolError)(
    Object.assign(new Error(`Joining the group again: ${reason}`), { type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false }),
  );
}
