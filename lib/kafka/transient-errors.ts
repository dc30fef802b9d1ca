// Which failures can pass by themselves (the broker restarting, a coordinator moving, a backend
// reconnecting): a task retries them until its task timeout, instead of failing the instance.

/**
 * The longest wait before trying again after an error that can pass (kafkajs' request retries,
 * consumer restarts, restore attempts): about a second, so that an instance is back within
 * seconds of its broker, rather than up to kafkajs' default 30 s; how long it keeps trying is
 * bounded elsewhere (retries, taskTimeoutMs).
 */
export const OUTAGE_RETRY_MAX_BACKOFF_MS = 1000;

/** kafkajs errors (names as kafkajs 2.2.4's errors.js sets them) that mean "not reachable now", some of which kafkajs itself calls non-retriable. */
export const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
]);

/**
 * Broker error codes that say "ask again later", by the names kafkajs 2.2.4 gives them
 * (protocol/error.js keeps Kafka's pre-1.0 names: GROUP_COORDINATOR_NOT_AVAILABLE is Java's
 * COORDINATOR_NOT_AVAILABLE, NOT_LEADER_FOR_PARTITION its NOT_LEADER_OR_FOLLOWER). Most are
 * `retriable` in kafkajs too; they are named here for when kafkajs wraps them in an error that is not.
 */
export const TRANSIENT_TYPES: ReadonlySet<string> = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'CONCURRENT_TRANSACTIONS',
]);

/** Socket errors of Node (and of clients such as Redis' that pass them on). */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True when `error`, or an error it was caused by, is one that can pass with time: a broker that
 * cannot be reached or is not ready, a request that timed out, a connection refused or reset.
 */
export function isTransientError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 8; depth++) {
    const candidate = current as { name?: unknown; type?: unknown; code?: unknown; retriable?: unknown; cause?: unknown; originalError?: unknown };
    if (candidate.retriable === true) return true;
    if (TRANSIENT_NAMES.has(String(candidate.name))) return true;
    if (TRANSIENT_TYPES.has(String(candidate.type))) return true;
    if (TRANSIENT_CODES.has(String(candidate.code))) return true;
    current = candidate.cause ?? candidate.originalError;
  }
  return false;
}
