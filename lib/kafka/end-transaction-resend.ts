import { errorMessage } from '../errors.ts';
import { isTransientError } from './transient-errors.ts';

// kafkajs' transaction manager (producer/eosManager) sends a transaction's EndTxn once, right after
// it has moved to COMMITTING or ABORTING. When the coordinator cannot be found, or the broker
// stops while the EndTxn is in flight, the call fails and the manager stays in that state for
// good: every later call on the producer fails with "Transaction state exception". Java's producer
// instead looks the coordinator up again and resends EndTxn until it is answered (its
// TransactionManager re-enqueues the request on COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
// CONCURRENT_TRANSACTIONS and disconnects). The manager built here does the same: its cluster's
// transaction coordinator is looked up for each request, and EndTxn is resent about once a second
// while it fails for a reason that can pass, until the transaction timeout has gone by. Past that
// the coordinator has aborted a transaction whose EndTxn it never got, so a resend would only be
// refused. Resending is safe: the coordinator answers a repeated EndTxn of a transaction it has
// completed with success, and one it is still completing with CONCURRENT_TRANSACTIONS.

/** kafkajs' FindCoordinator key type of a transaction coordinator (protocol/coordinatorTypes.js). */
const TRANSACTION_COORDINATOR = 1;
/** kafkajs' own transaction timeout, when the producer sets none. */
const KAFKAJS_TRANSACTION_TIMEOUT_MS = 60_000;
/** How long to wait before resending a failed EndTxn. */
export const END_TXN_RESEND_BACKOFF_MS = 1000;

interface KafkajsLogger {
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** The requests kafkajs' transaction manager sends to its transaction coordinator. */
interface TransactionCoordinator {
  initProducerId(request: unknown): Promise<unknown>;
  addPartitionsToTxn(request: unknown): Promise<unknown>;
  addOffsetsToTxn(request: unknown): Promise<unknown>;
  endTxn(request: unknown): Promise<unknown>;
}

interface Cluster {
  findGroupCoordinator(request: { groupId: string; coordinatorType?: number }): Promise<TransactionCoordinator>;
}

interface EosManagerOptions {
  readonly logger: KafkajsLogger;
  readonly cluster: Cluster;
  readonly transactionTimeout?: number;
  readonly transactional?: boolean;
  readonly transactionalId?: string;
}

type CreateEosManager = (options: EosManagerOptions) => unknown;

/** Built from kafkajs' `producer/eosManager/index.js`: transactional managers whose EndTxn is resent as above. */
export function resendingEndTxn<F extends CreateEosManager>(createEosManager: F, backoffMs = END_TXN_RESEND_BACKOFF_MS): F {
  return ((options: EosManagerOptions) => {
    if (!options.transactional) return createEosManager(options);
    const resendFor = options.transactionTimeout ?? KAFKAJS_TRANSACTION_TIMEOUT_MS;
    return createEosManager({ ...options, cluster: resendingCluster(options, resendFor, backoffMs) });
  }) as F;
}

/** `options.cluster`, but for its transaction coordinator a handle that looks it up per request and resends EndTxn. */
function resendingCluster({ cluster, logger, transactionalId }: EosManagerOptions, resendForMs: number, backoffMs: number): Cluster {
  const find = () => cluster.findGroupCoordinator({ groupId: transactionalId!, coordinatorType: TRANSACTION_COORDINATOR });
  const coordinator: TransactionCoordinator = {
    initProducerId: async (request) => (await find()).initProducerId(request),
    addPartitionsToTxn: async (request) => (await find()).addPartitionsToTxn(request),
    addOffsetsToTxn: async (request) => (await find()).addOffsetsToTxn(request),
    endTxn: async (request) => {
      const deadline = Date.now() + resendForMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await (await find()).endTxn(request);
        } catch (error) {
          if (!isTransientError(error) || Date.now() + backoffMs > deadline) throw error;
          logger.warn(`EndTxn of ${transactionalId} failed (${errorMessage(error)}); sending it again in ${backoffMs} ms`, { attempt });
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
        }
      }
    },
  };
  // Everything else (metadata, the controller, group coordinators) is the cluster's own.
  return new Proxy(cluster, {
    get(target, property) {
      if (property === 'findGroupCoordinator')
        return (request: { groupId: string; coordinatorType?: number }) =>
          request.coordinatorType === TRANSACTION_COORDINATOR ? Promise.resolve(coordinator) : target.findGroupCoordinator(request);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
