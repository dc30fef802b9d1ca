import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs.ts';
import { StreamsException, TaskCorruptedException, TaskMigratedException, errorMessage } from '../errors.ts';
import { isProducerFenced, isTransactionStateError } from '../kafka/group-membership.ts';
import { isTransientError } from '../kafka/transient-errors.ts';
import type { RuntimeTask } from './runtime-task.ts';
import { sendRecords } from './send-batch.ts';
import { persistStores, type StorePersistenceListener } from './store-persistence.ts';
import { transactionalId } from './internal-topics.ts';

/**
 * Exactly-once: each task has a transactional producer of its own (`<applicationId>-<taskId>`),
 * and each commit is one transaction with the task's outputs, its changelog records and its input
 * offsets. A producer per task, not per instance: kafkajs' TxnOffsetCommit carries no consumer
 * group generation (KIP-447), so only a per-task transactional id fences a zombie that lost the
 * task in a rebalance: the new owner's InitProducerId bumps the epoch and the zombie's commit fails.
 */
export class ExactlyOnceCommitter {
  // Keyed by the task, not its id: a task dropped and assigned again is a new task whose producer
  // connects while the old one's disconnects.
  private readonly producers = new Map<RuntimeTask, Producer>();
  // Each task's commits run one after another: a commit starts once the one before it settled.
  private readonly chains = new Map<RuntimeTask, Promise<void>>();
  // Producers taken out of use whose disconnect waits for the commit under way with them.
  private readonly retiring = new Set<Producer>();

  /** `producerConfig`: the app's producer settings; those exactly-once depends on are this committer's. */
  constructor(
    private readonly kafka: Kafka,
    private readonly applicationId: string,
    private readonly persistence: StorePersistenceListener,
    private readonly producerConfig: Partial<ProducerConfig> = {},
  ) {}

  /** Connects the task's producer and fences any earlier owner before the task restores (again, when a restore is retried). */
  async taskCreated(task: RuntimeTask): Promise<void> {
    await this.producers
      .get(task)
      ?.disconnect()
      .catch(() => {});
    // As Kafka Streams under exactly-once: the app's settings (a transaction timeout, retries), but
    // the transactional id, idempotence and one request in flight are not the app's to change.
    const producer = this.kafka.producer({
      createPartitioner: kafkajs().Partitioners.DefaultPartitioner,
      ...this.producerConfig,
      transactionalId: transactionalId(this.applicationId, task.id),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    this.producers.set(task, producer);
    await producer.connect();
    const fence = await producer.transaction();
    await fence.abort();
  }

  /** Commits what the task has done since its last commit, in one transaction. */
  commit(task: RuntimeTask, clean = false): Promise<void> {
    const { outputs, offsets } = task.takeWork(true);
    const drain = task.stores.drain(Date.now());
    const records = [...outputs, ...drain.records];
    const previous = this.chains.get(task) ?? Promise.resolve();
    const next = previous.then(async () => {
      const producer = this.producers.get(task);
      // Dropped, closed, or its last transaction failed: its uncommitted work goes with it, by
      // design (the task starts again from its last commit, or another instance has it).
      if (!producer) return;
      if (records.length > 0 || offsets.length > 0) {
        try {
          const transaction = await producer.transaction();
          const lastOffsets = await sendRecords(transaction, records);
          if (offsets.length > 0) {
            const topics = [...new Set(offsets.map((o) => o.topic))].map((topic) => ({
              topic,
              // kafkajs' TxnOffsetCommit carries the metadata through, though its types do not say so.
              partitions: offsets.filter((o) => o.topic === topic).map(({ partition, offset, metadata }) => ({ partition, offset, metadata })),
            }));
            await transaction.sendOffsets({ consumerGroupId: this.applicationId, topics });
          }
          await transaction.commit();
          drain.acknowledged(lastOffsets);
          task.stores.committedInput(offsets);
          task.committed(offsets);
        } catch (error) {
          // Out of use before the failure goes on, so that no commit queued behind this one meets
          // it: after a failed EndTxn kafkajs' transaction manager stays in COMMITTING or ABORTING,
          // where every later call fails. No abort either: the task's next producer fences this
          // one, and its InitProducerId aborts the open transaction on the broker.
          this.retire(task);
          throw transactionFailure(task, error);
        }
      }
      task.lastCommit = Date.now();
      // Keyv gets only what a committed transaction made durable in the changelog.
      await persistStores(task, clean, this.persistence);
    });
    this.chains.set(
      task,
      next.catch(() => {}),
    );
    return next;
  }

  /** The task left this thread: commits queued for it drop their work, and none starts any more. */
  taskDropped(task: RuntimeTask): void {
    this.retire(task);
  }

  /** Drops the task's uncommitted work with its producer (an open transaction is aborted by the broker). */
  async taskClosed(task: RuntimeTask): Promise<void> {
    this.retire(task);
    await this.chains.get(task);
    this.chains.delete(task);
  }

  async close(): Promise<void> {
    const producers = [...this.producers.values(), ...this.retiring];
    this.producers.clear();
    await Promise.allSettled(producers.map((producer) => producer.disconnect()));
  }

  /**
   * Takes the task's producer out of use at once (nothing commits with it any more) and
   * disconnects it once the commit under way, if any, is done with it.
   */
  private retire(task: RuntimeTask): void {
    const producer = this.producers.get(task);
    if (!producer) return;
    this.producers.delete(task);
    this.retiring.add(producer);
    void (this.chains.get(task) ?? Promise.resolve())
      .then(() => producer.disconnect())
      .catch(() => {})
      .finally(() => this.retiring.delete(producer));
  }
}

/**
 * What a failed transaction means for its task: fenced, the task is another instance's now;
 * failed for a reason that can pass, or on a producer kafkajs left in a state it cannot leave,
 * the task starts again from its last commit with a new producer; anything else (the broker
 * refusing the records or the transactional id for good) fails the commit.
 */
function transactionFailure(task: RuntimeTask, error: unknown): StreamsException {
  const location = { taskId: task.id };
  if (isProducerFenced(error))
    return new TaskMigratedException(`Task ${task.id} was fenced: another instance has taken it over (${errorMessage(error)})`, { cause: error, location });
  const message = `The transaction of task ${task.id} failed: ${errorMessage(error)}`;
  if (isTransientError(error) || isTransactionStateError(error)) return new TaskCorruptedException(message, { cause: error, location });
  return new StreamsException(message, { cause: error, location });
}
