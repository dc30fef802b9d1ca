import type { Admin, Consumer, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { KeyvBackendException, StreamsException, TaskMigratedException, asStreamsException, errorMessage } from '../errors.ts';
import { committingBeforeRejoining } from '../kafka/commit-before-rejoining.ts';
import { rejoinGroupError } from '../kafka/group-membership.ts';
import { OUTAGE_RETRY_MAX_BACKOFF_MS, isTransientError } from '../kafka/transient-errors.ts';
import { topicPartitionKey, type TopicPartition } from '../kafka/topic-partition.ts';
import type { Logger } from '../logger.ts';
import type { ThreadMetrics } from '../metrics/thread-metrics.ts';
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
import type { RecordQueue } from './partition-group.ts';
import { RepartitionPurger } from './repartition-purger.ts';
import type { RuntimeTask } from './runtime-task.ts';
import { StandbyUpdater } from './standby-updater.ts';
import { TaskHealth } from './task-health.ts';
import { TaskManager } from './task-manager.ts';
import { UNWRITTEN_CHANGES_COMMIT_AT } from './task-stores.ts';
import type { StateDirectory } from './state-directory.ts';
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
  readonly metrics: ThreadMetrics;
  /** Where the tasks' stores on disk live: one for every thread of the instance. */
  readonly stateDirectory: StateDirectory;
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
  /** Fetching pauses for a partition whose task has this many of its records buffered. */
  private readonly bufferLimit: number;
  /** Partitions whose fetching this thread paused (their buffers are full), by `topic:partition`. */
  private readonly paused = new Map<string, TopicPartition>();
  /** Tasks idling on an empty partition (`maxTaskIdleMs`), with the timer that looks again. */
  private readonly idleTimers = new Map<RuntimeTask, NodeJS.Timeout>();
  private readonly health: TaskHealth;
  private readonly stallTimeoutMs: number;
  private livenessTimer: NodeJS.Timeout | undefined;
  private checkingLiveness = false;
  /** When the consumer last handed over a batch. */
  private lastFetch = Date.now();
  /** Since when the consumer keeps crashing (undefined once it joined the group again). */
  private consumerFailingSince: number | undefined;
  private consumerRestarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly taskTimeoutMs: number;
  private readonly purger: RepartitionPurger;

  constructor(private readonly options: StreamThreadOptions) {
    const { config, kafka } = options;
    this.logger = options.logger.namespace(options.name);
    const exactlyOnce = config.processingGuarantee === 'exactly_once_v2';
    this.commitIntervalMs = config.commitIntervalMs ?? (exactlyOnce ? 100 : 30_000);
    this.bufferLimit = config.bufferedRecordsPerPartition ?? 1000;
    const taskTimeoutMs = (this.taskTimeoutMs = config.taskTimeoutMs ?? 300_000);
    this.health = new TaskHealth(taskTimeoutMs);
    this.stallTimeoutMs = config.taskStallTimeoutMs ?? 60_000;
    this.consumer = kafka.consumer({
      heartbeatInterval: 1000,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 100,
      ...config.consumer,
      // kafkajs restarts a crashed consumer by itself; never once the thread is shutting down: a
      // restart racing close()'s disconnect would leave the consumer running, unowned, retrying
      // for ever once its broker is gone (what kept a spec run from exiting).
      retry: {
        ...config.consumer?.retry,
        restartOnFailure: async (error) => this.stillRunning() && ((await config.consumer?.retry?.restartOnFailure?.(error)) ?? true),
      },
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
      onCorrupted: (task, error) => this.reviveTask(task, `its outputs or commit failed (${errorMessage(error)})`),
      persistence: {
        persisted: (task) => this.health.succeeded(task.id, 'write its stores to Keyv'),
        persistFailed: (task, error) => this.storesUnwritten(task, error),
      },
      metrics: options.metrics,
    });
    const repartitionTopics = new Set([...options.graph.internalTopics.keys()].map(options.resolveTopic));
    this.purger = new RepartitionPurger(options.admin, repartitionTopics, config.repartitionPurgeIntervalMs ?? 30_000, this.logger);
    this.standbyUpdater = new StandbyUpdater(
      kafka,
      config.applicationId,
      options.changelogTopics,
      (topic) => options.partitionCount(topic) ?? 1,
      exactlyOnce,
      this.logger,
      options.onFailure,
      options.metrics.standby,
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
      metrics: options.metrics,
      stateDirectory: options.stateDirectory,
      restorer: new TaskRestorer({
        kafka,
        admin: options.admin,
        applicationId: config.applicationId,
        exactlyOnce,
        committer: this.committer,
        logger: this.logger,
        onProgress: options.onRestoreProgress,
        running: options.processing,
        taskTimeoutMs,
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
          this.logger.warn(
            `This thread was dropped from the group (its session expired); closing tasks [${this.tasks.activeIds().join(', ')}] ` +
              'without committing, to restore those assigned again',
          );
          this.tasks.handleLost();
        }
        this.memberId = memberId;
        this.rejoinReason = undefined;
        this.consumerFailingSince = undefined;
        // Paused before the rebalance: kafkajs keeps pauses by topic, and a task that is gone
        // (or new) has no full buffer; batches pause them again where buffers fill up.
        this.resumeAll();
        this.assigned(memberId, memberAssignment);
        if (this.state === 'STARTING' || this.state === 'PARTITIONS_REVOKED') this.setState('RUNNING');
        resolve();
      });
      consumer.on(consumer.events.CRASH, (event) => {
        if (event.payload.restart) {
          // kafkajs starts it again by itself, as the member it was (member-id-across-restarts.ts).
          this.logger.warn(`The consumer crashed (${errorMessage(event.payload.error)}); kafkajs starts it again`);
          return;
        }
        // Shutting down, or the instance failed: not restarted (restartOnFailure) and nothing to
        // report; a start() still waiting for its join gives up.
        if (!this.stillRunning()) {
          reject(new StreamsException(`The consumer of ${this.name} crashed while the thread stopped: ${errorMessage(event.payload.error)}`));
          return;
        }
        // kafkajs restarts only after errors it calls retriable; a coordinator it cannot find
        // while the broker is down is not one, yet it passes: this thread restarts it then.
        if (isTransientError(event.payload.error) && this.options.processing()) {
          const failingFor = Date.now() - (this.consumerFailingSince ??= Date.now());
          if (failingFor <= this.taskTimeoutMs) {
            this.restartConsumer(event.payload.error, failingFor);
            return;
          }
        }
        const waited =
          this.consumerFailingSince === undefined
            ? ''
            : ` (failing for ${Date.now() - this.consumerFailingSince} ms, longer than taskTimeoutMs ${this.taskTimeoutMs})`;
        const error = new StreamsException(`The consumer of ${this.name} crashed: ${errorMessage(event.payload.error)}${waited}`, {
          cause: event.payload.error,
        });
        this.options.onFailure(error);
        reject(error);
      });
    });
    // A batch of control records only (transaction markers) never reaches eachBatch, yet the
    // task must know that fetching went past it, or it would wait for records that do not exist.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize > 0) return;
      const id = this.tasks.taskIdOf(payload.topic, payload.partition);
      const task = id === undefined ? undefined : this.tasks.active.get(id);
      const queue = task?.records.queue(payload.topic, payload.partition);
      if (!task || !queue) return;
      queue.advance(Number(payload.lastOffset), Number(payload.highWatermark));
      if (task.records.size > 0) setImmediate(() => void this.drain(task));
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
    await consumer.run(this.runConfig());
    await joined;
    this.commitTimer = setInterval(
      () => void this.commitAll().catch((error) => this.options.onFailure(asStreamsException(error, 'Committing failed'))),
      this.commitIntervalMs,
    );
    this.commitTimer.unref();
    this.livenessTimer = setInterval(() => void this.checkLiveness(), Math.min(10_000, Math.max(100, Math.floor(this.stallTimeoutMs / 2))));
    this.livenessTimer.unref();
  }

  /** Stops fetching at once (the instance failed); close() releases the rest. */
  stop(): void {
    this.clearTimers();
    // From outside the batch handler: consumer.stop() waits for running handlers.
    setImmediate(() => void this.consumer.stop().catch(() => {}));
  }

  /** Finishes the batches in flight, commits (unless failed), leaves the group, closes the tasks. */
  async close(failed: boolean): Promise<void> {
    this.setState('PENDING_SHUTDOWN');
    this.clearTimers();
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
    // Not while closing: the purge would race the admin's disconnect, and the next owner purges.
    if (!clean) void this.purger.afterCommit(this.tasks.active.values());
    await this.tasks.persistStandbys();
  }

  private runConfig(): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.config.maxConcurrentTasks ?? 4,
      eachBatch: committingBeforeRejoining(
        (payload) => this.trackBatch(this.processBatch(payload)),
        () => this.commitBeforeRejoining(),
      ),
    };
  }

  /**
   * Connects the crashed consumer again and runs it, after 0.5 s, then 1 s between tries: short,
   * so that the thread is back within a second or so of its broker (the restarts are cheap, and
   * bounded by taskTimeoutMs).
   */
  private restartConsumer(cause: unknown, failingFor: number): void {
    const wait = Math.min(OUTAGE_RETRY_MAX_BACKOFF_MS, 500 * 2 ** this.consumerRestarts++);
    this.logger.warn(
      `The consumer crashed (${errorMessage(cause)}); starting it again in ${wait} ms (failing for ${failingFor} ms of taskTimeoutMs ${this.taskTimeoutMs})`,
    );
    this.restartTimer = setTimeout(() => {
      if (!this.stillRunning()) return;
      // Tracked with the batches: close() waits for it, and it stops if close() began meanwhile.
      void this.trackBatch(
        (async () => {
          await this.consumer.connect();
          if (!this.stillRunning()) return;
          await this.consumer.run(this.runConfig());
          this.consumerRestarts = 0;
        })(),
      ).catch((error: unknown) => {
        if (!this.stillRunning()) return;
        // Not connected yet: the same path again, until the task timeout.
        const since = this.consumerFailingSince ?? Date.now();
        if (isTransientError(error) && Date.now() - since <= this.taskTimeoutMs) this.restartConsumer(error, Date.now() - since);
        else this.options.onFailure(asStreamsException(error, `Starting the consumer of ${this.name} again failed (for ${Date.now() - since} ms)`));
      });
    }, wait);
    this.restartTimer.unref();
  }

  /** The instance processes and this thread is not shutting down: its consumer may start again, its commits go on. */
  private stillRunning(): boolean {
    return this.options.processing() && this.state !== 'PENDING_SHUTDOWN' && this.state !== 'DEAD';
  }

  private clearTimers(): void {
    clearTimeout(this.restartTimer);
    clearInterval(this.commitTimer);
    clearInterval(this.livenessTimer);
    clearTimeout(this.probingTimer);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
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
      const active = new Set(
        Object.entries(partitions).flatMap(([topic, numbers]) => numbers.flatMap((partition) => this.tasks.taskIdOf(topic, partition) ?? [])),
      );
      info = { memberId, activeTasks: [...active], standbyTasks: [], clients: [] };
    }
    for (const id of this.tasks.activeIds()) if (!info.activeTasks.includes(id)) this.health.forget(id);
    this.tasks.handleAssignment(info.activeTasks, info.standbyTasks);
    this.logger.info(
      `Assigned tasks [${this.tasks.activeIds().join(', ')}]${info.standbyTasks.length > 0 ? `, standby tasks [${this.tasks.standbyIds().join(', ')}]` : ''}`,
    );
    clearTimeout(this.probingTimer);
    if (info.nextProbingRebalanceMs !== undefined) {
      this.probingTimer = setTimeout(
        () => this.requestRejoin('a probing rebalance, to move tasks whose warm-up replicas caught up'),
        Math.max(0, info.nextProbingRebalanceMs - Date.now()),
      );
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

  /**
   * Buffers a fetched batch in its task's partition group, then has the task process what it
   * may: its oldest buffered records first, waiting for a partition that has records on the
   * broker not fetched yet (Kafka Streams' PartitionGroup).
   */
  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const processing = this.options.processing;
    if (!processing()) return;
    if (this.rejoinReason !== undefined) throw rejoinGroupError(this.rejoinReason);
    this.lastFetch = Date.now();
    const task = this.tasks.taskFor(batch.topic, batch.partition);
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
    // Stale by now: a rebalance or a seek came in between, or the task was dropped or started again.
    if (!isRunning() || isStale() || !processing() || this.tasks.active.get(task.id) !== task) return;
    const queue = task.records.queue(batch.topic, batch.partition)!;
    queue.add(batch.messages, task.nextOffset(batch.topic, batch.partition), Number(batch.lastOffset()), Number(batch.highWatermark));
    this.options.metrics.fetched(batch);
    // kafkajs fetches on from here; what is buffered is committed only once processed.
    resolveOffset(batch.lastOffset());
    if (queue.size >= this.bufferLimit) this.pause(queue);
    await this.drain(task);
    if (this.tasks.active.get(task.id) === task && !task.failure) await heartbeat();
  }

  /**
   * kafkajs' runner calls this when a heartbeat (the handler's or its own between batches) finds
   * the group rebalancing, before it joins again (commit-before-rejoining.ts): what the tasks
   * processed is committed, as Kafka Streams commits on revocation. With kafkajs' eager protocol
   * every task is revoked: uncommitted work of a task that moves would be processed again by its
   * new owner. The runner heartbeats between batches too, outside any batch handler: the commit
   * is tracked with the batches, so that close() waits for it before it stops the consumer and
   * the committer's producers, and nothing of it is left running after the thread is closed.
   */
  private commitBeforeRejoining(): Promise<void> {
    if (!this.stillRunning()) return Promise.resolve();
    return this.trackBatch(
      this.commitAll().catch((commitError) =>
        this.logger.warn(`Could not commit before the rebalance, the records since the last commit will be processed again: ${errorMessage(commitError)}`),
      ),
    );
  }

  /** Has the task process what its partition group lets it, then sends its outputs (and commits when due). */
  private async drain(task: RuntimeTask): Promise<void> {
    if (task.restoring || !this.options.processing() || this.tasks.active.get(task.id) !== task) return;
    this.options.metrics.timeProcessing(task.task.context.metrics, (now) => task.processBuffered(now));
    for (const queue of task.records.partitions) if (queue.size < this.bufferLimit) this.resume(queue);
    this.lookAgainAfterIdling(task);
    // A store on disk holds its changes in the heap until a commit writes them: bounded here.
    if (task.stores.unwrittenCount() >= UNWRITTEN_CHANGES_COMMIT_AT) task.task.context.commitRequested = true;
    try {
      await this.committer.afterBatch(task, () => this.tasks.readyTasks());
    } catch (error) {
      this.options.onFailure(asStreamsException(error, `Committing task ${task.id} failed`));
      return;
    }
    if (this.tasks.active.get(task.id) !== task) return;
    if (task.failure) this.options.onFailure(task.failure);
  }

  /** A task idling on an empty partition (maxTaskIdleMs > 0) looks again when that time is up: no batch may come to wake it. */
  private lookAgainAfterIdling(task: RuntimeTask): void {
    if (this.idleTimers.has(task)) return;
    const deadline = task.records.idleDeadline();
    if (deadline === undefined || task.records.size === 0) return;
    const timer = setTimeout(
      () => {
        this.idleTimers.delete(task);
        void this.drain(task);
      },
      Math.max(0, deadline - Date.now()),
    );
    timer.unref();
    this.idleTimers.set(task, timer);
  }

  private pause(queue: RecordQueue): void {
    const key = topicPartitionKey(queue);
    if (this.paused.has(key)) return;
    this.paused.set(key, queue);
    this.consumer.pause([{ topic: queue.topic, partitions: [queue.partition] }]);
  }

  private resume(queue: TopicPartition): void {
    if (!this.paused.delete(topicPartitionKey(queue))) return;
    this.consumer.resume([{ topic: queue.topic, partitions: [queue.partition] }]);
  }

  private resumeAll(): void {
    for (const partition of [...this.paused.values()]) this.resume(partition);
  }

  /**
   * Closes a task without committing and creates it anew, which restores its stores from the
   * changelogs and fetches its input again from the committed offsets (Kafka Streams revives a
   * corrupted task so): what it did since its last commit is done again. Too many revivals of
   * one task within a minute fail the instance.
   */
  private reviveTask(task: RuntimeTask, reason: string): void {
    if (!this.options.processing() || !this.mayStartAgain(task, reason)) return;
    this.logger.warn(`Starting task ${task.id} again from its last commit: ${reason}`);
    const committed = task.lastCommitted();
    this.tasks.revive(task);
    this.seekCommitted(committed);
  }

  /**
   * Whether the task, still this thread's, may be started again (revived, or dropped for a
   * fence): false, with the instance failed, once that happened too often within a minute (a
   * broker that keeps refusing its transactions would have it start again forever). Its paused
   * partitions are resumed: the task created next starts with an empty buffer.
   */
  private mayStartAgain(task: RuntimeTask, reason: string): boolean {
    if (this.tasks.active.get(task.id) !== task) return false;
    try {
      this.health.revived(task.id, reason);
    } catch (tooOften) {
      this.options.onFailure(asStreamsException(tooOften, `Task ${task.id} failed`));
      return false;
    }
    for (const queue of task.records.partitions) this.resume(queue);
    return true;
  }

  /** Has kafkajs fetch these partitions again from the committed offsets (from the start when none is). */
  private seekCommitted(committed: readonly { topic: string; partition: number; offset: number | undefined }[]): void {
    for (const { topic, partition, offset } of committed) {
      try {
        this.consumer.seek({ topic, partition, offset: offset === undefined ? EARLIEST_OFFSET : String(offset) });
      } catch (error) {
        // Not running (restarting after a crash): it fetches from the committed offsets anyway.
        this.logger.debug(`Could not seek ${topic}[${partition}]: ${errorMessage(error)}`);
      }
    }
  }

  /** A store backend (Redis, Postgres...) refused a write: the changes wait in memory, until the task timeout. */
  private storesUnwritten(task: RuntimeTask, error: KeyvBackendException): void {
    const concern = 'write its stores to Keyv';
    try {
      const failingFor = this.health.failed(task.id, concern, error);
      if (failingFor === 0) this.logger.warn(`${error.message}; the changes stay in memory (the changelog has them) and are written at a later commit`);
    } catch (timeout) {
      this.options.onFailure(asStreamsException(timeout, `Task ${task.id} failed`));
    }
  }

  /**
   * The liveness check: a task that has input (buffered, or on the broker past what it
   * processed) but processed and restored nothing for `taskStallTimeoutMs` is logged with what
   * it waits for and started again; stuck longer than `taskTimeoutMs`, it fails the instance.
   */
  private async checkLiveness(): Promise<void> {
    if (this.checkingLiveness || !this.options.processing() || this.state !== 'RUNNING') return;
    this.checkingLiveness = true;
    try {
      const now = Date.now();
      const stalled: RuntimeTask[] = [];
      for (const task of this.tasks.active.values()) {
        if (now - task.lastProgress > this.stallTimeoutMs) stalled.push(task);
        else this.health.succeeded(task.id, 'make progress');
      }
      if (stalled.length === 0) return;
      const ends = await this.endOffsets(stalled.flatMap((task) => task.records.partitions)).catch((error: unknown) => error);
      for (const task of stalled) {
        if (this.tasks.active.get(task.id) !== task || !this.options.processing()) continue;
        const waitingFor = this.stallOf(task, ends);
        if (waitingFor === undefined) {
          // Nothing to do is no stall.
          task.lastProgress = Date.now();
          this.health.succeeded(task.id, 'make progress');
          continue;
        }
        let stuckFor: number;
        try {
          stuckFor = this.health.failed(task.id, 'make progress', new Error(waitingFor)) + this.stallTimeoutMs;
        } catch (timeout) {
          this.options.onFailure(asStreamsException(timeout, `Task ${task.id} failed`));
          return;
        }
        if (task.restoring && task.restoreWaiting !== undefined) {
          this.logger.warn(`Task ${task.id} has made no progress for ${Math.round(stuckFor / 1000)} s: ${waitingFor}`);
          continue;
        }
        this.reviveTask(task, `it has input but made no progress for ${Math.round(stuckFor / 1000)} s: ${waitingFor}`);
        // A consumer that fetches nothing any more is made to join the group again.
        if (Date.now() - this.lastFetch > this.stallTimeoutMs)
          this.requestRejoin(`no batch was fetched for ${Math.round((Date.now() - this.lastFetch) / 1000)} s`);
      }
    } finally {
      this.checkingLiveness = false;
    }
  }

  /** What a stalled task waits for, or undefined when it has no input to process. */
  private stallOf(task: RuntimeTask, ends: unknown): string | undefined {
    if (task.restoring) return task.restoreWaiting === undefined ? 'its restore makes no progress' : `restoring, which keeps failing: ${task.restoreWaiting}`;
    if (!(ends instanceof Map)) return `the broker does not answer (${errorMessage(ends)})`;
    const behind: string[] = [];
    for (const queue of task.records.partitions) {
      const processed = Math.max(task.nextOffset(queue.topic, queue.partition), task.committedOffset(queue.topic, queue.partition) ?? 0);
      const end = ends.get(topicPartitionKey(queue)) ?? queue.endOffset;
      if (end > processed || queue.size > 0) {
        const paused = this.paused.has(topicPartitionKey(queue)) ? ', fetching paused' : '';
        behind.push(`${queue.topic}[${queue.partition}] ${end - processed} records behind, ${queue.size} buffered${paused}`);
      }
    }
    if (behind.length === 0) return undefined;
    return `${behind.join('; ')}; last batch fetched ${Math.round((Date.now() - this.lastFetch) / 1000)} s ago`;
  }

  /**
   * Drops a fenced task, and has the consumer join the group again (Kafka Streams enforces a
   * rebalance): a member dropped from the group comes back as a new one, and a member still in
   * it fetches again from the committed offsets, creating the task anew if it is still its own.
   */
  private taskMigrated(task: RuntimeTask, error: TaskMigratedException): void {
    if (!this.mayStartAgain(task, error.message)) return;
    this.logger.warn(`${error.message}; dropping it and joining the group again`);
    this.tasks.dropActive(task);
    this.requestRejoin(`task ${task.id} was fenced`);
    // kafkajs keeps a seek until it fetches the partition, after a rejoin too: fetching again
    // from the committed offsets hands the records since then to the task created anew (an
    // offset at most the committed one only fetches records it skips as committed already).
    this.seekCommitted(task.lastCommitted());
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
