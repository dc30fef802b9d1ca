import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs.ts';
import { StreamsException, TaskMigratedException, errorMessage } from '../errors.ts';
import { isProducerFenced } from '../kafka/group-membership.ts';
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
  private readonly chains = new Map<RuntimeTask, Promise<void>>();

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
      // Closed meanwhile (revoked, lost or fenced): its uncommitted work goes with it, by design.
      if (!producer) return;
      if (records.length > 0 || offsets.length > 0) {
        const transaction = await producer.transaction();
        try {
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
          await transaction.abort().catch(() => {});
          const location = { taskId: task.id };
          if (isProducerFenced(error))
            throw new TaskMigratedException(`Task ${task.id} was fenced: another instance has taken it over (${errorMessage(error)})`, {
              cause: error,
              location,
            });
          throw new StreamsException(`The transaction of task ${task.id} failed: ${errorMessage(error)}`, { cause: error, location });
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

  /** Drops the task's uncommitted work with its producer (an open transaction is aborted by the broker). */
  async taskClosed(task: RuntimeTask): Promise<void> {
    const producer = this.producers.get(task);
    this.producers.delete(task);
    await this.chains.get(task);
    this.chains.delete(task);
    await producer?.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.producers.values()].map((producer) => producer.disconnect()));
    this.producers.clear();
  }
}
