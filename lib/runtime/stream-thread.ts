import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { StreamsException, TaskMigratedException, asStreamsException, errorMessage } from '../errors.ts';
import { rejoinGroupError } from '../kafka/group-membership.ts';
import { toConsumedRecord } from '../kafka/kafka-records.ts';
import { topicPartitionKey } from '../kafka/topic-partition.ts';
import type { Logger } from '../logger.ts';
import type { RecordCacheBudget } from '../state/record-cache.ts';
import type { StateStore } from '../state/state-store.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { TopologyPlan } from '../topology/internal/topology-plan.ts';
import { takeAssignmentInfo, type AssignmentInfo } from './assignor/assignment-info.ts';
import { streamsPartitionAssignor } from './assignor/streams-partition-assignor.ts';
import type { AssignorConfig } from './assignor/task-assignment.ts';
import type { SubTopologyTopics } from './assignor/task-layout.ts';
import type { RestoreProgress } from './changelog-restorer.ts';
import { createCommitter, type Committer } from './committer.ts';
import type { KafkaStreamsConfig } from './kafka-streams-config.ts';
import type { RuntimeTask } from './runtime-task.ts';
import { StandbyUpdater } from './standby-updater.ts';
import { TaskManager } from './task-manager.ts';
import { TaskRestorer } from './task-restorer.ts';

/** A stream thread's life cycle, named as Kafka Streams names it. */
export type StreamThreadState = 'CREATED' | 'STARTING' | 'PARTITIONS_REVOKED' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'DEAD';

export interface StreamThreadOptions {
  readonly name: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly config: KafkaStreamsConfig;
  readonly graph: TopologyGraph;
  readonly plan: TopologyPlan;
  readonly logger: Logger;
  readonly processId: string;
  readonly globalStores: ReadonlyMap<string, StateStore>;
  readonly recordCache: RecordCacheBudget;
  readonly partitionCount: (topic: string) => number | undefined;
  readonly resolveTopic: (topic: string) => string;
  readonly subTopologyTopics: readonly SubTopologyTopics[];
  readonly changelogTopics: readonly string[];
  readonly assignorConfig: AssignorConfig & { readonly probingRebalanceIntervalMs: number };
  /** The whole instance's task offset sums (every thread's): what its subscription reports. */
  readonly instanceOffsetSums: () => Record<string, number>;
  /** Whether the instance still processes (not shutting down, not failed). */
  readonly processing: () => boolean;
  readonly onStateChange: () => void;
  readonly onAssignment: (info: AssignmentInfo) => void;
  readonly onRestoreProgress: (progress: RestoreProgress & { taskId: string }) => void;
  readonly onFailure: (error: StreamsException) => void;
}

/**
 * One member of the application's consumer group (Kafka Streams' StreamThread): its consumer,
 * the batch loop that runs fetched records through its tasks, the commit timer, and its tasks,
 * active and standby, as the Streams assignor gives them.
 */
export class StreamThread {
  state: StreamThreadState = 'CREATED';
  private readonly consumer: Consumer;
  private readonly committer: Committer;
  readonly tasks: TaskManager;
  private readonly standbyUpdater: StandbyUpdater;
  private readonly logger: Logger;
  /** This thread's id in the consumer group, as of its last join. */
  private memberId: string | undefined;
  /** Why the consumer must join the group again before it goes on; undefined when it need not. */
  private rejoinReason: string | undefined;
  private probingTimer: NodeJS.Timeout | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly batchesInFlight = new Set<Promise<void>>();
  private readonly commitIntervalMs: number;

  constructor(private readonly options: StreamThreadOptions) {
    const { config, kafka } = options;
    this.logger = options.logger.namespace(options.name);
    const exactlyOnce = config.processingGuarantee === 'exactly_once_v2';
    this.commitIntervalMs = config.commitIntervalMs ?? (exactlyOnce ? 100 : 30_000);
    this.consumer = kafka.consumer({
      heartbeatInterval: 1000,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 100,
      ...config.consumer,
      groupId: config.applicationId,
      readUncommitted: false,
      partitionAssigners: [
        streamsPartitionAssignor({
          subTopologies: options.subTopologyTopics,
          config: options.assignorConfig,
          logger: this.logger,
          subscription: () => ({
            processId: options.processId,
            ...(config.applicationServer ? { applicationServer: config.applicationServer } : {}),
            previousActive: this.tasks.activeIds(),
            previousStandby: this.tasks.standbyIds(),
            taskOffsetSums: options.instanceOffsetSums(),
          }),
          endOffsets: (partitions) => this.endOffsets(partitions),
        }),
      ],
    });
    this.committer = createCommitter(config.processingGuarantee ?? 'at_least_once', {
      kafka,
      consumer: this.consumer,
      applicationId: config.applicationId,
      commitIntervalMs: this.commitIntervalMs,
      producerConfig: config.producer,
      logger: this.logger,
      onMigrated: (task, error) => this.taskMigrated(task, error),
    });
    this.standbyUpdater = new StandbyUpdater(
      kafka,
      config.applicationId,
      options.changelogTopics,
      (topic) => options.partitionCount(topic) ?? 1,
      exactlyOnce,
      this.logger,
      options.onFailure,
    );
    this.tasks = new TaskManager({
      config,
      graph: options.graph,
      plan: options.plan,
      logger: this.logger,
      globalStores: options.globalStores,
      recordCache: options.recordCache,
      partitionCount: options.partitionCount,
      resolveTopic: options.resolveTopic,
      committer: this.committer,
      standbyUpdater: this.standbyUpdater,
      exactlyOnce,
      onFailure: options.onFailure,
      restorer: new TaskRestorer({
        kafka,
        admin: options.admin,
        applicationId: config.applicationId,
        exactlyOnce,
        committer: this.committer,
        logger: this.logger,
        onProgress: options.onRestoreProgress,
        running: options.processing,
      }),
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** Joins the group; resolves once the first assignment is in (tasks may still restore). */
  async start(): Promise<void> {
    this.setState('STARTING');
    const consumer = this.consumer;
    await this.committer.start();
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const { memberId, memberAssignment } = event.payload;
        // A join that completes after the instance failed or began closing creates no tasks.
        if (!this.options.processing()) {
          takeAssignmentInfo(memberId);
          return resolve();
        }
        // A new member id: the coordinator dropped this member (its session expired while it
        // was stopped or stalled), and others owned its tasks meanwhile. Its tasks are behind
        // them; like Kafka Streams on lost partitions, close them without committing.
        if (this.memberId !== undefined && memberId !== this.memberId && this.tasks.active.size > 0) {
          this.logger.warn(`This thread was dropped from the group (its session expired); closing tasks [${this.tasks.activeIds().join(', ')}] without committing, to restore those assigned again`);
          this.tasks.handleLost();
        }
        this.memberId = memberId;
        this.rejoinReason = undefined;
        this.assigned(memberId, memberAssignment);
        if (this.state === 'STARTING' || this.state === 'PARTITIONS_REVOKED') this.setState('RUNNING');
        resolve();
      });
      consumer.on(consumer.events.CRASH, (event) => {
        if (event.payload.restart) return;
        const error = new StreamsException(`The consumer of ${this.name} crashed: ${errorMessage(event.payload.error)}`, { cause: event.payload.error });
        this.options.onFailure(error);
        reject(error);
      });
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (this.state === 'RUNNING') this.setState('PARTITIONS_REVOKED');
    });
    // kafkajs' consumer has no enforceRebalance(). Its fetch loop joins the group again when a
    // fetch fails with REBALANCE_IN_PROGRESS; thrown here, that happens even when no records
    // come (a probing rebalance on idle topics). kafkajs 2.2 calls this listener synchronously
    // from its fetch, so the throw reaches the fetch loop (the warm-up spec's probing rebalance needs it).
    consumer.on(consumer.events.FETCH_START, () => {
      if (this.rejoinReason !== undefined) throw rejoinGroupError(this.rejoinReason);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.tasks.sourceTopics(), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.config.maxConcurrentTasks ?? 4,
      eachBatch: (payload) => this.trackBatch(this.processBatch(payload)),
    });
    await joined;
    this.commitTimer = setInterval(() => void this.commitAll().catch((error) => this.options.onFailure(asStreamsException(error, 'Committing failed'))), this.commitIntervalMs);
    this.commitTimer.unref();
  }

  /** Stops fetching at once (the instance failed); close() releases the rest. */
  stop(): void {
    clearInterval(this.commitTimer);
    clearTimeout(this.probingTimer);
    // From outside the batch handler: consumer.stop() waits for running handlers.
    setImmediate(() => void this.consumer.stop().catch(() => {}));
  }

  /** Finishes the batches in flight, commits (unless failed), leaves the group, closes the tasks. */
  async close(failed: boolean): Promise<void> {
    this.setState('PENDING_SHUTDOWN');
    clearInterval(this.commitTimer);
    clearTimeout(this.probingTimer);
    try {
      // Commit before leaving the group: once the consumer stops, its commits are refused.
      await Promise.allSettled([...this.batchesInFlight]);
      await Promise.allSettled([...this.tasks.active.values()].map((task) => task.ready));
      if (!failed) await this.commitAll(true);
      await this.consumer.stop();
    } catch (error) {
      this.logger.warn(`Could not send or commit everything while closing: ${errorMessage(error)}`);
    }
    await this.tasks.closeAll();
    await Promise.allSettled([this.consumer.disconnect(), this.committer.close(), this.standbyUpdater.close()]);
    this.setState('DEAD');
  }

  /** Sends and commits every task's pending work (on the commit interval, and when closing). */
  async commitAll(clean = false): Promise<void> {
    await this.committer.commitAll(this.tasks.readyTasks(), clean);
    await this.tasks.persistStandbys();
  }

  private setState(state: StreamThreadState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange();
  }

  private assigned(memberId: string, partitions: Record<string, number[]>): void {
    let info = takeAssignmentInfo(memberId);
    if (!info) {
      // Not from a Streams assignor: each partition's task, as kafkajs dealt them out.
      this.logger.warn('The group leader sent no task assignment; running the tasks of the partitions assigned');
      const active = new Set(Object.entries(partitions).flatMap(([topic, numbers]) => numbers.flatMap((partition) => this.tasks.taskIdOf(topic, partition) ?? [])));
      info = { memberId, activeTasks: [...active], standbyTasks: [], clients: [] };
    }
    this.tasks.handleAssignment(info.activeTasks, info.standbyTasks);
    this.logger.info(`Assigned tasks [${this.tasks.activeIds().join(', ')}]${info.standbyTasks.length > 0 ? `, standby tasks [${this.tasks.standbyIds().join(', ')}]` : ''}`);
    clearTimeout(this.probingTimer);
    if (info.nextProbingRebalanceMs !== undefined) {
      this.probingTimer = setTimeout(() => this.requestRejoin('a probing rebalance, to move tasks whose warm-up replicas caught up'), Math.max(0, info.nextProbingRebalanceMs - Date.now()));
      this.probingTimer.unref();
    }
    this.options.onAssignment(info);
  }

  /** Has the consumer join the group again at its next fetch. */
  private requestRejoin(reason: string): void {
    this.logger.info(`Joining the group again: ${reason}`);
    this.rejoinReason = reason;
  }

  private trackBatch(batch: Promise<void>): Promise<void> {
    this.batchesInFlight.add(batch);
    return batch.finally(() => this.batchesInFlight.delete(batch));
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const processing = this.options.processing;
    if (!processing()) return;
    if (this.rejoinReason !== undefined) throw rejoinGroupError(this.rejoinReason);
    const task = this.tasks.taskFor(batch.topic, batch.partition);
    task.endOffsets.set(topicPartitionKey(batch), Number(batch.highWatermark));
    // Restoration can take long; keep the group membership alive while waiting for it.
    let restored = false;
    const ready = task.ready.then(() => (restored = true));
    while (!restored) {
      await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 1000))]);
      if (!restored) await heartbeat();
    }
    // A member stopped longer than its session timeout is out of the group without knowing it.
    // A heartbeat first (kafkajs sends it only once per heartbeat interval) tells it before it
    // processes records its partitions' new owners process too, as Kafka's consumer polls the
    // coordinator before it returns records.
    await heartbeat();
    let lastProcessed: string | undefined;
    let lastSkipped: string | undefined;
    // Looked up once per batch: the batch's records are the task's own until it is done with them.
    const next = task.nextOffset(batch.topic, batch.partition);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !processing()) break;
      if (Number(message.offset) < next) {
        lastSkipped = message.offset;
        continue;
      }
      if (!task.process(toConsumedRecord(batch.topic, batch.partition, message))) break;
      lastProcessed = message.offset;
    }
    if (lastProcessed !== undefined) {
      task.markProcessed(batch.topic, batch.partition, lastProcessed);
      resolveOffset(lastProcessed);
    } else if (lastSkipped !== undefined) {
      // Not resolved, kafkajs would fetch the skipped records again and again.
      resolveOffset(lastSkipped);
    }
    try {
      await this.committer.afterBatch(task, () => this.tasks.readyTasks());
    } catch (error) {
      this.options.onFailure(asStreamsException(error, `Committing task ${task.id} failed`));
      return;
    }
    if (this.tasks.active.get(task.id) !== task) return;
    if (task.failure) {
      this.options.onFailure(task.failure);
      return;
    }
    await heartbeat();
  }

  /**
   * Drops a fenced task, and has the consumer join the group again (Kafka Streams enforces a
   * rebalance): a member dropped from the group comes back as a new one, and a member still in
   * it fetches again from the committed offsets, creating the task anew if it is still its own.
   */
  private taskMigrated(task: RuntimeTask, error: TaskMigratedException): void {
    this.logger.warn(`${error.message}; dropping it and joining the group again`);
    this.tasks.dropActive(task);
    this.requestRejoin(`task ${task.id} was fenced`);
    // kafkajs keeps a seek until it fetches the partition, after a rejoin too: fetching again
    // from the committed offsets hands the records since then to the task created anew (an
    // offset at most the committed one only fetches records it skips as committed already).
    for (const { topic, partition, offset } of task.lastCommitted()) {
      this.consumer.seek({ topic, partition, offset: offset === undefined ? EARLIEST_OFFSET : String(offset) });
    }
  }

  private async endOffsets(partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, number>> {
    const ends = new Map<string, number>();
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const { partition, high } of await this.options.admin.fetchTopicOffsets(topic)) ends.set(topicPartitionKey({ topic, partition }), Number(high));
    }
    return ends;
  }
}

/** kafkajs' seek() to a partition's first offset. */
const EARLIEST_OFFSET = '-2';
