import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { StreamsException, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { toConsumedRecord } from '../kafka/kafka-records.ts';
import { whileRetriable } from '../kafka/topic-admin.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';
import type { StateStore } from '../state/state-store.ts';
import { CallbackSubscriber } from '../task/callback-subscriber.ts';
import { systemClock } from '../task/clock.ts';
import { Fanout } from '../task/fanout.ts';
import { StreamTask, type TaskInput } from '../task/stream-task.ts';
import { buildTaskOptions, type TaskConfig, type TaskHost } from '../task/task-options-builder.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { TopologyPlan } from '../topology/internal/topology-plan.ts';
import { helperGroupId } from './internal-topics.ts';

/**
 * The global stores of one instance: every partition of every global topic, read from the
 * beginning by a consumer in a group of its own, through the global sub-topologies into stores
 * that every task reads. `start()` resolves once the topics are read up to the end offsets they
 * had when it was called (bootstrapped); updates keep flowing in afterwards.
 */
export class GlobalState {
  readonly stores = new Map<string, StateStore>();
  private readonly inputs = new Map<string, Fanout<TaskInput>>();
  private consumer: Consumer | undefined;
  private failure: StreamsException | undefined;
  private abortBootstrap: ((error: StreamsException) => void) | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly graph: TopologyGraph,
    private readonly plan: TopologyPlan,
    /** The instance's config (a KafkaStreamsConfig fits): its serdes, handlers and invalidTimestamp apply here too. */
    private readonly config: TaskConfig,
    private readonly logger: Logger,
    private readonly onFailure: (error: StreamsException) => void,
  ) {
    for (const global of plan.globals) {
      for (const name of global.stores) {
        const store = graph.stores.get(name)!.builder.build();
        store.init({ applicationId: config.applicationId, taskId: `${global.id}_global` });
        this.stores.set(name, store);
      }
    }
    const host: TaskHost = { config, graph, serialized: true, clock: systemClock, logger, globalStores: this.stores };
    for (const subTopology of plan.globals) {
      // No emit: there is no producer here, so dead letters are logged and dropped (see buildTaskOptions).
      const task = new StreamTask(buildTaskOptions(host, { subTopology, partition: 0 }));
      const input = new Fanout<TaskInput>();
      input.pipe(task.pipeline).subscribe(new CallbackSubscriber({ error: (error) => this.fail(error) }));
      for (const topic of subTopology.sourceTopics) this.inputs.set(topic, input);
    }
  }

  get topics(): string[] {
    return [...this.inputs.keys()];
  }

  async start(): Promise<void> {
    if (this.inputs.size === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map<string, number>();
    try {
      for (const topic of this.topics)
        for (const { partition, high } of await whileRetriable(() => admin.fetchTopicOffsets(topic)))
          ends.set(topicPartitionKey({ topic, partition }), Number(high));
    } finally {
      await admin.disconnect();
    }
    const behind = new Set([...ends].filter(([, end]) => end > 0).map(([key]) => key));
    let bootstrapped!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      bootstrapped = resolve;
      // A failure, or close() before the end, ends the wait.
      this.abortBootstrap = reject;
    });
    const caughtUp = (topic: string, partition: number, lastOffset: number): void => {
      const key = topicPartitionKey({ topic, partition });
      if (behind.has(key) && lastOffset + 1 >= ends.get(key)!) behind.delete(key);
      if (behind.size === 0) bootstrapped();
    };
    const consumer = (this.consumer = this.kafka.consumer({
      groupId: helperGroupId(this.config.applicationId, 'global', randomUUID()),
      maxWaitTimeInMs: 100,
      // Not once closed: a restart racing close()'s disconnect would leave it running, unowned.
      retry: { restartOnFailure: async () => !this.closed },
    }));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => caughtUp(payload.topic, payload.partition, Number(payload.lastOffset)));
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const input = this.inputs.get(batch.topic)!;
        for (const message of batch.messages) {
          if (this.failure) return;
          input.next(toConsumedRecord(batch.topic, batch.partition, message));
        }
      },
    });
    if (behind.size === 0) bootstrapped();
    const started = Date.now();
    await done;
    this.abortBootstrap = undefined;
    this.logger.info(`Global stores [${[...this.stores.keys()].join(', ')}] bootstrapped in ${Date.now() - started} ms`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abortBootstrap?.(new StreamsException('The global stores were closed before they were bootstrapped'));
    await this.consumer?.disconnect().catch(() => {});
    for (const input of new Set(this.inputs.values())) input.complete();
    for (const store of this.stores.values()) if (store.isOpen()) store.close();
  }

  private fail(error: unknown): void {
    this.failure = error instanceof StreamsException ? error : new StreamsException(`Global state failed: ${errorMessage(error)}`, { cause: error });
    this.abortBootstrap?.(this.failure);
    this.onFailure(this.failure);
  }
}
