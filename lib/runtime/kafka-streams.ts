import { BehaviorSubject, type Observable } from 'rxjs';
import { Kafka, Partitioners, type Admin, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import { StreamsException, errorMessage } from '../errors.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import { kafkajsLogCreator, toKafkajsLogLevel } from '../kafka/kafkajs-logger.ts';
import { toConsumedRecord, toTopicMessages } from '../kafka/kafka-records.ts';
import { ensureTopics, partitionCounts } from '../kafka/topic-admin.ts';
import { systemClock } from '../task/clock.ts';
import { resolveExceptionHandler, type ExceptionHandler } from '../task/exception-handlers.ts';
import type { TaskOutput } from '../task/stream-task.ts';
import { graphOf, type Topology } from '../topology/topology.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';
import { deadLetterHandler } from './dead-letter.ts';
import { repartitionTopicPartitions } from './internal-topics.ts';
import type { KafkaStreamsConfig, RuntimeExceptionHandlerOption } from './kafka-streams-config.ts';
import { RuntimeTask } from './runtime-task.ts';
import { canTransition, type StreamsState } from './streams-state.ts';

interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Runs a topology against Kafka: a kafkajs consumer group named by the application id, one task
 * per input partition of each sub-topology, batches of records processed synchronously through
 * the task pipelines, outputs sent in batches, and offsets committed only after the outputs of
 * those records are acknowledged (at-least-once).
 *
 * ```ts
 * const app = new KafkaStreams(topology, { applicationId: 'shop', kafka: { brokers: ['127.0.0.1:9092'] } });
 * app.state$.subscribe((state) => console.log(state));
 * await app.start();
 * // ...
 * await app.close();
 * ```
 */
export class KafkaStreams {
  private readonly stateSubject = new BehaviorSubject<StreamsState>('CREATED');
  /** CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING or ERROR, as they happen. */
  readonly state$: Observable<StreamsState> = this.stateSubject.asObservable();
  /** Why the instance went to ERROR. */
  error: StreamsException | undefined;

  private readonly graph: TopologyGraph;
  private readonly plan: TopologyPlan;
  private readonly logger: Logger;
  private readonly kafka: Kafka;
  private readonly commitIntervalMs: number;
  private readonly subTopologyByTopic = new Map<string, SubTopology>();
  private readonly tasks = new Map<string, RuntimeTask>();
  private readonly committable = new Map<string, CommitOffset>();
  private readonly partitionCountByTopic = new Map<string, number>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private readonly batchesInFlight = new Set<Promise<void>>();
  private lastCommit = Date.now();
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(
    topology: Topology,
    private readonly config: KafkaStreamsConfig,
  ) {
    if (!config.applicationId) throw new StreamsException('KafkaStreams needs an applicationId: it names the consumer group and the internal topics');
    if (!config.kafka?.brokers) throw new StreamsException('KafkaStreams needs kafka.brokers, e.g. { kafka: { brokers: ["127.0.0.1:9092"] } }');
    const guarantee = config.processingGuarantee ?? 'at_least_once';
    if (guarantee !== 'at_least_once') throw new StreamsException(`processingGuarantee ${String(guarantee)} is not supported; use 'at_least_once'`);
    this.graph = graphOf(topology);
    this.plan = topology.plan();
    if (this.plan.globals.length > 0) {
      throw new StreamsException('Global stores and GlobalKTables are not supported by the Kafka runtime yet; read the topic as a table (builder.table) instead');
    }
    this.logger = (config.logger ?? consoleLogger('info')).namespace(`app-${config.applicationId}`);
    this.commitIntervalMs = config.commitIntervalMs ?? 30_000;
    this.kafka = new Kafka({
      clientId: config.applicationId,
      logLevel: toKafkajsLogLevel(config.kafkaLogLevel ?? 'warn'),
      logCreator: kafkajsLogCreator(this.logger),
      ...config.kafka,
    });
    for (const sub of this.plan.subTopologies) for (const topic of sub.sourceTopics) this.subTopologyByTopic.set(this.resolveTopic(topic), sub);
  }

  get state(): StreamsState {
    return this.stateSubject.value;
  }

  /** Creates internal topics, joins the group, and resolves once tasks are assigned and RUNNING. */
  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw new StreamsException(`start() can be called once, on a CREATED instance; this one is ${this.state}`);
    this.transition('REBALANCING');
    try {
      await this.prepareTopics();
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...this.config.producer });
      await this.producer.connect();
      const consumer = (this.consumer = this.kafka.consumer({
        heartbeatInterval: 1000,
        sessionTimeout: 10_000,
        maxWaitTimeInMs: 100,
        ...this.config.consumer,
        groupId: this.config.applicationId,
      }));
      const joined = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.GROUP_JOIN, (event) => {
          this.assign(event.payload.memberAssignment);
          if (this.state === 'REBALANCING') this.transition('RUNNING');
          resolve();
        });
        consumer.on(consumer.events.CRASH, (event) => {
          if (event.payload.restart) return;
          const error = new StreamsException(`The consumer crashed: ${errorMessage(event.payload.error)}`, { cause: event.payload.error });
          this.fail(error);
          reject(error);
        });
      });
      consumer.on(consumer.events.REBALANCING, () => {
        if (this.state === 'RUNNING') this.transition('REBALANCING');
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.subTopologyByTopic.keys()], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.config.maxConcurrentTasks ?? 4,
        eachBatch: (payload) => this.trackBatch(this.processBatch(payload)),
      });
      await joined;
      this.commitTimer = setInterval(() => void this.flushAndCommit(), this.commitIntervalMs);
      this.commitTimer.unref();
    } catch (error) {
      const failure = error instanceof StreamsException ? error : new StreamsException(`start() failed: ${errorMessage(error)}`, { cause: error });
      this.fail(failure);
      await this.disconnect();
      throw failure;
    }
  }

  /** Sends what is pending, commits, leaves the group and closes every task. */
  async close(): Promise<void> {
    if (this.state === 'NOT_RUNNING' || this.state === 'PENDING_SHUTDOWN') return;
    const failed = this.state === 'ERROR';
    this.transition('PENDING_SHUTDOWN');
    clearInterval(this.commitTimer);
    try {
      // Commit before leaving the group: once the consumer stops, its commits are refused.
      await Promise.allSettled([...this.batchesInFlight]);
      if (!failed) await this.flushAndCommit();
      await this.consumer?.stop();
    } catch (error) {
      this.logger.warn(`Could not send or commit everything while closing: ${errorMessage(error)}`);
    }
    for (const task of this.tasks.values()) task.close();
    this.tasks.clear();
    await this.disconnect();
    this.transition('NOT_RUNNING');
  }

  /** Task ids (`<subTopology>_<partition>`) this instance runs now. */
  activeTasks(): string[] {
    return [...this.tasks.keys()].sort();
  }

  private trackBatch(batch: Promise<void>): Promise<void> {
    this.batchesInFlight.add(batch);
    return batch.finally(() => this.batchesInFlight.delete(batch));
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!this.processing()) return;
    const task = this.taskFor(batch.topic, batch.partition);
    let lastProcessed: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !this.processing()) break;
      if (!task.process(toConsumedRecord(batch.topic, batch.partition, message))) break;
      lastProcessed = message.offset;
    }
    try {
      await this.send();
    } catch (error) {
      this.fail(new StreamsException(`Sending the outputs of task ${task.id} failed: ${errorMessage(error)}`, { cause: error }));
      return;
    }
    if (lastProcessed !== undefined) {
      resolveOffset(lastProcessed);
      this.committable.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: String(Number(lastProcessed) + 1) });
    }
    if (task.failure) {
      await this.commit();
      this.fail(task.failure);
      return;
    }
    if (Date.now() - this.lastCommit >= this.commitIntervalMs || task.task.context.commitRequested) {
      task.task.context.commitRequested = false;
      await this.commit();
    }
    await heartbeat();
  }

  private processing(): boolean {
    return this.state === 'RUNNING' || this.state === 'REBALANCING';
  }

  /** Sends every task's pending outputs in one batch; sends happen one after another, in order. */
  private send(): Promise<unknown> {
    const outputs: TaskOutput[] = [];
    for (const task of this.tasks.values()) if (task.outputs.length > 0) outputs.push(...task.takeOutputs());
    if (outputs.length > 0) {
      const producer = this.producer!;
      this.sending = this.sending.then(() => producer.sendBatch({ topicMessages: toTopicMessages(outputs), acks: -1 }));
    }
    return this.sending;
  }

  private async commit(): Promise<void> {
    if (this.committable.size === 0) return;
    const offsets = [...this.committable.values()];
    this.committable.clear();
    try {
      await this.consumer!.commitOffsets(offsets);
      this.lastCommit = Date.now();
    } catch (error) {
      // The records will be processed again by whoever owns them next: at-least-once holds.
      this.logger.warn(`Commit failed, the records since the last commit will be processed again: ${errorMessage(error)}`);
    }
  }

  private async flushAndCommit(): Promise<void> {
    try {
      await this.send();
      await this.commit();
    } catch (error) {
      this.fail(new StreamsException(`Sending outputs failed: ${errorMessage(error)}`, { cause: error }));
    }
  }

  /** Creates the tasks of newly assigned partitions and closes those of partitions taken away. */
  private assign(assignment: Record<string, number[]>): void {
    const wanted = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.subTopologyByTopic.get(topic);
      if (!sub) continue;
      for (const partition of partitions) {
        wanted.add(`${sub.id}_${partition}`);
        this.taskFor(topic, partition);
      }
    }
    for (const [id, task] of this.tasks) {
      if (wanted.has(id)) continue;
      task.close();
      this.tasks.delete(id);
    }
    for (const [key, offset] of this.committable) {
      const sub = this.subTopologyByTopic.get(offset.topic);
      if (!sub || !wanted.has(`${sub.id}_${offset.partition}`)) this.committable.delete(key);
    }
    this.logger.info(`Assigned tasks [${this.activeTasks().join(', ')}]`);
  }

  private taskFor(topic: string, partition: number): RuntimeTask {
    const subTopology = this.subTopologyByTopic.get(topic);
    if (!subTopology) throw new StreamsException(`Received records from topic ${topic}, which the topology does not read`);
    const id = `${subTopology.id}_${partition}`;
    let task = this.tasks.get(id);
    if (!task) {
      task = new RuntimeTask((emit) => ({
        applicationId: this.config.applicationId,
        graph: this.graph,
        subTopology,
        partition,
        serialized: true,
        defaultKeySerde: this.config.defaultKeySerde,
        defaultValueSerde: this.config.defaultValueSerde,
        clock: systemClock,
        logger: this.logger,
        globalStores: new Map(),
        partitionCount: (name) => this.partitionCountByTopic.get(name),
        onProcessingError: this.handler(this.config.processingExceptionHandler, emit),
        onDeserializationError: this.handler(this.config.deserializationExceptionHandler, emit),
      }));
      this.tasks.set(id, task);
    }
    return task;
  }

  private handler(option: RuntimeExceptionHandlerOption | undefined, emit: (record: TaskOutput) => void): ExceptionHandler {
    if (option !== undefined && typeof option === 'object') return deadLetterHandler(option.deadLetterTopic, emit);
    return resolveExceptionHandler(option);
  }

  /** Checks the source topics exist, then creates the repartition topics with the right partition counts. */
  private async prepareTopics(): Promise<void> {
    const admin = (this.admin = this.kafka.admin());
    await admin.connect();
    const userTopics = new Set<string>();
    for (const sub of this.plan.subTopologies) {
      for (const topic of [...sub.sourceTopics, ...sub.sinkTopics]) if (!this.graph.internalTopics.has(topic)) userTopics.add(topic);
    }
    const counts = await partitionCounts(admin, [...userTopics]);
    const missing = this.plan.subTopologies.flatMap((sub) => sub.sourceTopics).filter((topic) => !this.graph.internalTopics.has(topic) && !counts.has(topic));
    if (missing.length > 0) throw new StreamsException(`Source topics [${missing.join(', ')}] do not exist; create them before starting ${this.config.applicationId}`);
    const repartition = repartitionTopicPartitions(this.graph, this.plan, counts);
    await ensureTopics(
      admin,
      [...repartition].map(([topic, numPartitions]) => ({ topic: this.resolveTopic(topic), numPartitions, replicationFactor: -1 })),
    );
    for (const [topic, count] of counts) this.partitionCountByTopic.set(topic, count);
    for (const [topic, count] of repartition) this.partitionCountByTopic.set(this.resolveTopic(topic), count);
  }

  private resolveTopic(topic: string): string {
    return this.graph.internalTopics.has(topic) ? `${this.config.applicationId}-${topic}` : topic;
  }

  private fail(error: StreamsException): void {
    if (this.state === 'ERROR' || this.state === 'PENDING_SHUTDOWN' || this.state === 'NOT_RUNNING') return;
    this.error = error;
    this.logger.error(`Stopping after an error: ${error.message}`);
    this.transition('ERROR');
    clearInterval(this.commitTimer);
    // Stop fetching from outside the batch handler: consumer.stop() waits for running handlers.
    setImmediate(() => void this.consumer?.stop().catch(() => {}));
  }

  private async disconnect(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()]);
  }

  private transition(to: StreamsState): void {
    const from = this.state;
    if (from === to && to !== 'REBALANCING') return;
    if (!canTransition(from, to)) throw new StreamsException(`KafkaStreams cannot go from ${from} to ${to}`);
    this.logger.info(`State ${from} -> ${to}`);
    this.stateSubject.next(to);
  }
}
