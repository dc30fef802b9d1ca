import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { Admin, Kafka as KafkaClient } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs.ts';
import { StreamsException, asStreamsException, errorMessage } from '../errors.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import { kafkajsLogCreator, toKafkajsLogLevel } from '../kafka/kafkajs-logger.ts';
import { ensureTopics, partitionCounts } from '../kafka/topic-admin.ts';
import type { TopicPartition } from '../kafka/topic-partition.ts';
import { OUTAGE_RETRY_MAX_BACKOFF_MS } from '../kafka/transient-errors.ts';
import { StateDirectory, defaultStateDir } from './state-directory.ts';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { sessionStoreView, windowStoreView, type ReadOnlySessionStore, type ReadOnlyWindowStore } from '../state/window-store.ts';
import type { Serde } from '../serdes/serde.ts';
import type { Windowed } from '../windows/windowed.ts';
import { graphOf, type Topology } from '../topology/topology.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';
import { RecordCacheBudget } from '../state/record-cache.ts';
import { ClientMetrics, metricSnapshots } from '../metrics/client-metrics.ts';
import type { MetricValue } from '../metrics/metric-name.ts';
import { RUNNING_ACTIVE } from './assignor/subscription-info.ts';
import { compareTaskIds } from './assignor/task-ids.ts';
import type { SubTopologyTopics } from './assignor/task-layout.ts';
import type { RestoreProgress } from './changelog-restorer.ts';
import { GlobalState } from './global-state.ts';
import { assertCopartitioned, changelogTopicName, internalTopicName, repartitionTopicPartitions, streamThreadName } from './internal-topics.ts';
import { changelogTopic, repartitionTopic, type InternalTopicSettings } from './internal-topic-configs.ts';
import type { KafkaStreamsConfig } from './kafka-streams-config.ts';
import { queryableStore, type StoreQueryOptions } from './queryable-stores.ts';
import { asyncView, workerStoreView, type AsyncReadOnlyKeyValueStore } from './async-stores.ts';
import type { AssignmentInfo } from './assignor/assignment-info.ts';
import { WorkerStreamThread } from './worker-stream-thread.ts';
import { StreamThread, type StreamThreadState } from './stream-thread.ts';
import { StreamsMetadataState, parseHostInfo, type HostInfo, type KeyQueryMetadata, type StreamsMetadata } from './streams-metadata.ts';
import { canTransition, type StreamsState } from './streams-state.ts';

/** Restoration progress of one changelog partition of one task. */
export interface TaskRestoreProgress extends RestoreProgress {
  /** The task whose stores are restored, e.g. `0_1`. */
  readonly taskId: string;
}

/** One task of a local stream thread (Kafka Streams' TaskMetadata). */
export interface TaskMetadata {
  /** The task's id, `<sub-topology>_<partition>` (e.g. `0_1`), as Kafka Streams' `TaskMetadata.taskId()`. */
  readonly taskId: string;
  /** Its source partitions (active) or changelog partitions (standby). */
  readonly topicPartitions: readonly TopicPartition[];
  /** Per source partition, the offset committed last, as far as this instance knows. */
  readonly committedOffsets: readonly (TopicPartition & {
    /** The committed offset: the next one the group reads from this partition. */
    readonly offset: number;
  })[];
  /** Per source partition, the end offset as of the last fetch. */
  readonly endOffsets: readonly (TopicPartition & {
    /** The partition's end offset: the offset its next record will get. */
    readonly offset: number;
  })[];
}

/** One stream thread of this instance and its tasks (Kafka Streams' ThreadMetadata). */
export interface ThreadMetadata {
  /** The thread's name, `<applicationId>-<processId>-StreamThread-<n>`, as Kafka Streams' `ThreadMetadata.threadName()`. */
  readonly threadName: string;
  /** The thread's state: CREATED, STARTING, PARTITIONS_REVOKED, RUNNING, PENDING_SHUTDOWN or DEAD. */
  readonly threadState: StreamThreadState;
  /** The tasks the thread processes, as `ThreadMetadata.activeTasks()`. */
  readonly activeTasks: readonly TaskMetadata[];
  /** The standby replicas the thread keeps current from their changelogs, as `ThreadMetadata.standbyTasks()`; they have no offsets. */
  readonly standbyTasks: readonly TaskMetadata[];
}

/**
 * How a stream thread on a worker is made one member of its parent's instance.
 * @internal
 */
export interface InstanceIdentity {
  readonly processId: string;
  readonly threadIndex: number;
  readonly onAssignment: (info: AssignmentInfo) => void;
}

/**
 * Runs a topology against Kafka: a kafkajs consumer group named by the application id whose
 * members are this instance's stream threads (and those of every other instance with the same
 * id). A Streams assignor gives each member whole tasks (all source partitions of one partition
 * number of a sub-topology), sticky and state-aware, plus standby replicas. Batches of records run
 * synchronously through the task pipelines; outputs are sent in batches. Stores log to changelog
 * topics (compacted; a windowed store's also deleted past its retention), persist to Keyv, and are
 * restored before a task processes its first record. Repartition topics are purged behind the commit.
 * At-least-once commits offsets after the outputs are acknowledged; exactly-once commits both in
 * one transaction.
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
  private readonly restorationSubject = new Subject<TaskRestoreProgress>();
  /** Progress of every changelog restoration: records restored, total, records per second. */
  readonly restoration$: Observable<TaskRestoreProgress> = this.restorationSubject.asObservable();
  /** Why the instance went to ERROR. */
  error: StreamsException | undefined;

  private readonly graph: TopologyGraph;
  private readonly plan: TopologyPlan;
  private readonly logger: Logger;
  private readonly kafka: KafkaClient;
  /** Identifies this instance in the group: all its threads report it. */
  private readonly processId: string;
  private readonly stateCleanupDelayMs: number;
  private readonly numStreamThreads: number;
  private readonly localHost: HostInfo | undefined;
  /** Shared by the record caches of every task here, as Kafka's per-thread cache. */
  private readonly recordCache: RecordCacheBudget;
  private readonly subTopologyTopics: SubTopologyTopics[];
  private readonly partitionCountByTopic = new Map<string, number>();
  private readonly internalTopicSettings: InternalTopicSettings;
  private readonly globalState: GlobalState;
  private readonly metadata: StreamsMetadataState;
  private readonly threads: StreamThread[] = [];
  /** The stream threads on worker threads, with `threadModule`. */
  private readonly workers: WorkerStreamThread[] = [];
  private readonly clientMetrics: ClientMetrics;
  /** Every metric (as `metrics()` returns them) every `metricsIntervalMs`, until the instance is closed. */
  readonly metrics$: Observable<MetricValue[]>;
  private admin: Admin | undefined;
  /** `<stateDir>/<applicationId>`: the folders of this instance's tasks that keep stores on disk. */
  private readonly stateDirectory: StateDirectory;
  /** Deletes the folders of tasks gone from this instance, every `stateCleanupDelayMs`. */
  private stateCleaner: NodeJS.Timeout | undefined;

  constructor(
    topology: Topology,
    private readonly config: KafkaStreamsConfig,
    private readonly identity?: InstanceIdentity,
  ) {
    if (!config.applicationId) throw new StreamsException('KafkaStreams needs an applicationId: it names the consumer group and the internal topics');
    if (!config.kafka?.brokers) throw new StreamsException('KafkaStreams needs kafka.brokers, e.g. { kafka: { brokers: ["127.0.0.1:9092"] } }');
    const guarantee = config.processingGuarantee ?? 'at_least_once';
    if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
      throw new StreamsException(`processingGuarantee ${String(guarantee)} is not supported; use 'at_least_once' or 'exactly_once_v2'`);
    }
    this.numStreamThreads = integerSetting('numStreamThreads', config.numStreamThreads, 1, 1);
    integerSetting('numStandbyReplicas', config.numStandbyReplicas, 0, 0);
    integerSetting('acceptableRecoveryLag', config.acceptableRecoveryLag, 10_000, 0);
    integerSetting('maxWarmupReplicas', config.maxWarmupReplicas, 2, 1);
    integerSetting('probingRebalanceIntervalMs', config.probingRebalanceIntervalMs, 600_000, 1);
    const metricsIntervalMs = integerSetting('metricsIntervalMs', config.metricsIntervalMs, 10_000, 1);
    integerSetting('maxTaskIdleMs', config.maxTaskIdleMs, 0, -1);
    integerSetting('bufferedRecordsPerPartition', config.bufferedRecordsPerPartition, 1000, 1);
    integerSetting('taskTimeoutMs', config.taskTimeoutMs, 300_000, 0);
    integerSetting('taskStallTimeoutMs', config.taskStallTimeoutMs, 60_000, 1);
    integerSetting('repartitionPurgeIntervalMs', config.repartitionPurgeIntervalMs, 30_000, 0);
    this.internalTopicSettings = {
      replicationFactor: replicationFactorSetting(config.replicationFactor),
      windowstoreChangelogAdditionalRetentionMs: integerSetting(
        'windowstoreChangelogAdditionalRetentionMs',
        config.windowstoreChangelogAdditionalRetentionMs,
        86_400_000,
        0,
      ),
    };
    this.processId = identity?.processId ?? randomUUID();
    this.stateCleanupDelayMs = integerSetting('stateCleanupDelayMs', config.stateCleanupDelayMs, 600_000, 0);
    this.localHost = config.applicationServer === undefined ? undefined : parseHostInfo(config.applicationServer);
    this.graph = graphOf(topology);
    this.plan = topology.plan();
    this.logger = (config.logger ?? consoleLogger('info')).namespace(`app-${config.applicationId}`);
    if (config.stateDir !== undefined && (typeof config.stateDir !== 'string' || config.stateDir === '')) {
      throw new StreamsException(`stateDir must be a folder path, not ${JSON.stringify(config.stateDir)}`);
    }
    this.stateDirectory = new StateDirectory(
      config.stateDir ?? defaultStateDir(),
      config.applicationId,
      this.processId,
      this.logger,
      identity === undefined ? 'main' : String(identity.threadIndex),
    );
    this.recordCache = new RecordCacheBudget(config.statestoreCacheMaxBytes ?? 10 * 1024 * 1024);
    this.kafka = new (kafkajs().Kafka)({
      clientId: config.applicationId,
      logLevel: toKafkajsLogLevel(config.kafkaLogLevel ?? 'warn'),
      logCreator: kafkajsLogCreator(this.logger),
      ...config.kafka,
      // kafkajs doubles its wait up to 30 s by default: an idempotent producer, which retries
      // for ever, would then find its broker back only up to 30 s after it returned.
      retry: { maxRetryTime: OUTAGE_RETRY_MAX_BACKOFF_MS, ...config.kafka.retry },
    });
    this.globalState = new GlobalState(this.kafka, this.graph, this.plan, this.config, this.logger, (error) => this.fail(error));
    this.subTopologyTopics = this.plan.subTopologies.map((sub) => this.topicsOf(sub));
    this.clientMetrics = new ClientMetrics(config, this.clientView(topology));
    this.metrics$ = metricSnapshots(
      metricsIntervalMs,
      () => this.metrics(),
      () => this.state !== 'NOT_RUNNING',
    );
    this.metadata = new StreamsMetadataState(
      this.graph,
      this.plan,
      this.subTopologyTopics,
      (topic) => this.resolveTopic(topic),
      (topic) => this.partitionCountByTopic.get(topic),
      config.defaultKeySerde,
    );
  }

  /** The instance's current state, as Kafka Streams' `KafkaStreams.state()`; `state$` emits each change. */
  get state(): StreamsState {
    return this.stateSubject.value;
  }

  /**
   * Creates internal topics, bootstraps global stores, starts the stream threads (each joins the
   * group), and resolves once every thread has its tasks and the instance is RUNNING (stores
   * may still be restoring: see `restoration$`).
   */
  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw new StreamsException(`start() can be called once, on a CREATED instance; this one is ${this.state}`);
    this.transition('REBALANCING');
    try {
      await this.prepareTopics();
      if (this.config.threadModule !== undefined) {
        // The workers read the global topics themselves: their tasks need the stores at hand.
        for (let index = 1; index <= this.numStreamThreads; index++) this.workers.push(this.createWorker(index, this.config.threadModule));
        await Promise.all(this.workers.map((worker) => worker.start()));
      } else {
        await this.globalState.start();
        const first = this.identity?.threadIndex ?? 1;
        for (let index = first; index < first + this.numStreamThreads; index++) this.threads.push(this.createThread(index));
        await Promise.all(this.threads.map((thread) => thread.start()));
        this.startStateCleaner();
      }
      this.threadStateChanged();
    } catch (error) {
      const failure = asStreamsException(error, 'start() failed');
      this.fail(failure);
      await this.closeThreads(true);
      await this.disconnect();
      throw failure;
    }
  }

  /** Finishes the batches in flight, commits, writes the stores to Keyv, leaves the group. */
  async close(): Promise<void> {
    if (this.state === 'NOT_RUNNING' || this.state === 'PENDING_SHUTDOWN') return;
    const failed = this.state === 'ERROR';
    this.transition('PENDING_SHUTDOWN');
    clearInterval(this.stateCleaner);
    await this.closeThreads(failed);
    await this.globalState.close();
    await this.disconnect();
    this.transition('NOT_RUNNING');
  }

  /**
   * Deletes this application's local state, `<stateDir>/<applicationId>`, as Kafka Streams'
   * `KafkaStreams.cleanUp()`: every store kept on disk is restored from its changelog at the next
   * start. Only before `start()` or after `close()`, as in Kafka; a folder another instance is
   * using is an error naming it, and nothing is deleted.
   */
  cleanUp(): void {
    if (this.state !== 'CREATED' && this.state !== 'NOT_RUNNING') {
      throw new StreamsException(`Cannot clean up while running: cleanUp() is for an instance not started or closed; this one is ${this.state}`);
    }
    this.stateDirectory.cleanUp();
  }

  /** Task ids (`<subTopology>_<partition>`) this instance runs as active now, over all its threads. */
  activeTasks(): string[] {
    return [...this.threads.flatMap((thread) => thread.tasks.activeIds()), ...this.workers.flatMap((worker) => worker.snapshot.activeTasks)].sort(
      compareTaskIds,
    );
  }

  /** Task ids this instance keeps standby replicas (and warm-ups) of. */
  standbyTasks(): string[] {
    return [...this.threads.flatMap((thread) => thread.tasks.standbyIds()), ...this.workers.flatMap((worker) => worker.snapshot.standbyTasks)].sort(
      compareTaskIds,
    );
  }

  /**
   * A read-only view of the store `name` across this instance's tasks (interactive queries).
   * Reads throw InvalidStateStoreException while a task of the store restores, or when no task of
   * it runs here; `{ enableStaleStores: true }` reads standby replicas (and restoring tasks) too.
   */
  store<K = unknown, V = unknown>(name: string, options: StoreQueryOptions = {}): ReadOnlyKeyValueStore<K, V> {
    if (this.config.threadModule !== undefined) {
      throw new StreamsException(`Store ${name} lives in this instance's stream threads on worker threads (threadModule): read it with asyncStore('${name}')`);
    }
    return queryableStore<K, V>(
      name,
      this.graph,
      () => this.threads,
      () => this.globalState.stores.get(name),
      () => this.state,
      options,
    );
  }

  /**
   * The store `name` across this instance's tasks, read asynchronously: the way to read stores
   * of stream threads on worker threads (`threadModule`), which answer by message; it works the
   * same without workers.
   */
  asyncStore<K = unknown, V = unknown>(name: string, options: StoreQueryOptions = {}): AsyncReadOnlyKeyValueStore<K, V> {
    if (this.config.threadModule === undefined) {
      const view = this.store<K, V>(name, options);
      return asyncView(() => view);
    }
    return workerStoreView<K, V>(name, this.graph, (read) => this.workers.map((worker) => worker.read(name, options.enableStaleStores ?? false, read)));
  }

  /** A windowed aggregation's store across this instance's tasks, read by key and window start. */
  windowStore<K = unknown, V = unknown>(name: string, options: StoreQueryOptions = {}): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.store<Windowed<K>, V>(name, options));
  }

  /** A session aggregation's store across this instance's tasks. */
  sessionStore<K = unknown, V = unknown>(name: string, options: StoreQueryOptions = {}): ReadOnlySessionStore<K, V> {
    return sessionStoreView(this.store<Windowed<K>, V>(name, options));
  }

  /** Every instance of the application that has an `applicationServer`, with the stores and partitions it hosts. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    return this.metadata.allMetadata();
  }

  /** The instances hosting a task of the store, as active or standby. */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    return this.metadata.metadataForStore(storeName);
  }

  /**
   * Which instance to ask for `key` in the store: the host of its active task, those of its
   * standbys, and the key's partition (the default partitioner's, over the store's source topic).
   * Undefined while the group has not assigned the task (a rebalance) or its owner has no
   * `applicationServer`.
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerde?: Serde<K>): KeyQueryMetadata | undefined {
    if (!this.localHost)
      throw new StreamsException(
        'queryMetadataForKey needs applicationServer (host:port) in the config of every instance: it is how instances learn where the others serve queries',
      );
    return this.metadata.keyQueryMetadata(storeName, key, keySerde, this.localHost);
  }

  /** This instance's stream threads, their states and their active and standby tasks. */
  metadataForLocalThreads(): ThreadMetadata[] {
    return [...this.threads.map((thread) => this.threadMetadata(thread)), ...this.workers.flatMap((worker) => worker.snapshot.threads)];
  }

  private threadMetadata(thread: StreamThread): ThreadMetadata {
    return {
      threadName: thread.name,
      threadState: thread.state,
      activeTasks: [...thread.tasks.active.values()].map((task) => {
        const { subTopology, partition } = task.task.options;
        const topicPartitions = subTopology.sourceTopics.map((topic) => ({ topic: this.resolveTopic(topic), partition }));
        const known = (offsetOf: (tp: TopicPartition) => number | undefined) =>
          topicPartitions.flatMap((tp) => {
            const offset = offsetOf(tp);
            return offset === undefined ? [] : [{ ...tp, offset }];
          });
        return {
          taskId: task.id,
          topicPartitions,
          committedOffsets: known((tp) => task.committedOffset(tp.topic, tp.partition)),
          endOffsets: known((tp) => task.endOffset(tp.topic, tp.partition)),
        };
      }),
      standbyTasks: [...thread.tasks.standby.values()].map((task) => ({
        taskId: task.id,
        topicPartitions: [...task.stores.positions().keys()].map((topic) => ({ topic, partition: task.partition })),
        committedOffsets: [],
        endOffsets: [],
      })),
    };
  }

  /**
   * Every metric of this instance, with Kafka Streams' groups, names and tags: client
   * (`stream-metrics`), thread, task, processor node, state store, record cache and consumer lag
   * metrics, those of stream threads on workers included (as of their last report, at most
   * 500 ms old). Sum them over tags with `metricSum`.
   */
  metrics(): MetricValue[] {
    const own = this.clientMetrics.snapshot();
    // A worker's own instance reports client metrics too: this instance's are the client's.
    const workers = this.workers.flatMap((worker) => worker.snapshot.metrics.filter((metric) => metric.group !== 'stream-metrics'));
    return workers.length === 0 ? own : [...own, ...workers];
  }

  private clientView(topology: Topology): ConstructorParameters<typeof ClientMetrics>[1] {
    const alive = new Set(['CREATED', 'STARTING', 'PARTITIONS_REVOKED', 'RUNNING', 'REBALANCING']);
    return {
      applicationId: this.config.applicationId,
      clientId: `${this.config.applicationId}-${this.processId}`,
      topologyDescription: () => topology.describe().toString(),
      state: () => this.state,
      aliveStreamThreads: () =>
        this.threads.filter((thread) => alive.has(thread.state)).length + this.workers.filter((worker) => alive.has(worker.snapshot.state)).length,
      // As Kafka's SHUTDOWN_CLIENT: the thread that failed stops the others, which close cleanly.
      failedStreamThreads: () => (this.state === 'ERROR' ? 1 : 0),
    };
  }

  private createThread(index: number): StreamThread {
    const config = this.config;
    const name = streamThreadName(config.applicationId, this.processId, index);
    const metrics = this.clientMetrics.thread(name);
    return new StreamThread({
      name,
      metrics,
      kafka: this.kafka,
      admin: this.admin!,
      config,
      graph: this.graph,
      plan: this.plan,
      logger: this.logger,
      processId: this.processId,
      globalStores: this.globalState.stores,
      recordCache: this.recordCache,
      partitionCount: (topic) => this.partitionCountByTopic.get(topic),
      resolveTopic: (topic) => this.resolveTopic(topic),
      subTopologyTopics: this.subTopologyTopics,
      changelogTopics: [...new Set(this.subTopologyTopics.flatMap((sub) => sub.changelogTopics))],
      assignorConfig: {
        numStandbyReplicas: config.numStandbyReplicas ?? 0,
        acceptableRecoveryLag: config.acceptableRecoveryLag ?? 10_000,
        maxWarmupReplicas: config.maxWarmupReplicas ?? 2,
        probingRebalanceIntervalMs: config.probingRebalanceIntervalMs ?? 600_000,
      },
      instanceOffsetSums: () => this.instanceOffsetSums(),
      processing: () => this.state === 'RUNNING' || this.state === 'REBALANCING',
      onStateChange: () => this.threadStateChanged(),
      onAssignment: (info) => this.assigned(info),
      onRestoreProgress: (progress) => {
        metrics.restoreProgress(progress);
        this.restorationSubject.next(progress);
      },
      onFailure: (error) => this.fail(error),
      stateDirectory: this.stateDirectory,
    });
  }

  private createWorker(index: number, threadModule: string | URL): WorkerStreamThread {
    return new WorkerStreamThread({
      threadModule: threadModule instanceof URL ? threadModule.href : pathToFileURL(threadModule).href,
      processId: this.processId,
      threadIndex: index,
      logger: this.logger,
      onChange: () => this.threadStateChanged(),
      onAssignment: (info) => this.assigned(info),
      onRestoreProgress: (progress) => this.restorationSubject.next(progress),
      onFailure: (error) => this.fail(error),
    });
  }

  private assigned(info: AssignmentInfo): void {
    this.metadata.update(info);
    this.identity?.onAssignment(info);
  }

  /** RUNNING when every thread runs; REBALANCING while one of them is (re)joining. */
  private threadStateChanged(): void {
    if (this.state !== 'RUNNING' && this.state !== 'REBALANCING') return;
    if (this.threads.length + this.workers.length < this.numStreamThreads) return;
    const running = this.threads.every((thread) => thread.state === 'RUNNING') && this.workers.every((worker) => worker.snapshot.state === 'RUNNING');
    if (running && this.state === 'REBALANCING') this.transition('RUNNING');
    else if (!running && this.state === 'RUNNING') this.transition('REBALANCING');
  }

  /** The state this instance has of each task, over its threads: a task active anywhere here counts as current. */
  private instanceOffsetSums(): Record<string, number> {
    const sums: Record<string, number> = {};
    for (const thread of this.threads) {
      for (const [task, sum] of Object.entries(thread.tasks.taskOffsetSums())) {
        const known = sums[task];
        sums[task] = known === RUNNING_ACTIVE || sum === RUNNING_ACTIVE ? RUNNING_ACTIVE : Math.max(known ?? 0, sum);
      }
    }
    return sums;
  }

  /** Only where stores are kept on disk: other instances have no task folders to clean. */
  private startStateCleaner(): void {
    const stores = this.config.stores ?? {};
    if (!Object.values(stores).includes('lmdb')) return;
    this.stateCleaner = setInterval(
      () => {
        try {
          this.stateDirectory.cleanRemovedTasks(this.stateCleanupDelayMs);
        } catch (error) {
          this.logger.warn(`Cleaning the state directory failed: ${errorMessage(error)}`);
        }
      },
      Math.max(1000, this.stateCleanupDelayMs),
    );
    this.stateCleaner.unref();
  }

  private async closeThreads(failed: boolean): Promise<void> {
    await Promise.all([...this.threads.map((thread) => thread.close(failed)), ...this.workers.map((worker) => worker.close())]);
  }

  /** A sub-topology's topics as named on the broker, for the assignor. */
  private topicsOf(sub: SubTopology): SubTopologyTopics {
    const changelogTopics = sub.stores.flatMap((name) => {
      const registration = this.graph.stores.get(name)!;
      if (registration.global || !registration.builder.loggingEnabled) return [];
      return [this.graph.sourceChangelogs.get(name) ?? changelogTopicName(this.config.applicationId, name)];
    });
    return { id: sub.id, sourceTopics: sub.sourceTopics.map((topic) => this.resolveTopic(topic)), changelogTopics, stateful: changelogTopics.length > 0 };
  }

  /**
   * Checks the source topics exist, then creates the repartition topics and the changelog topics,
   * each with as many partitions as the tasks that write them and the configs Kafka Streams gives
   * them (internal-topic-configs.ts).
   */
  private async prepareTopics(): Promise<void> {
    const admin = (this.admin = this.kafka.admin());
    await admin.connect();
    const userTopics = new Set<string>(this.globalState.topics);
    for (const sub of this.plan.subTopologies) {
      for (const topic of [...sub.sourceTopics, ...sub.sinkTopics]) if (!this.graph.internalTopics.has(topic)) userTopics.add(topic);
    }
    const counts = await partitionCounts(admin, [...userTopics]);
    const sources = [...this.plan.subTopologies.flatMap((sub) => sub.sourceTopics), ...this.globalState.topics];
    const missing = sources.filter((topic) => !this.graph.internalTopics.has(topic) && !counts.has(topic));
    if (missing.length > 0)
      throw new StreamsException(`Source topics [${missing.join(', ')}] do not exist; create them before starting ${this.config.applicationId}`);
    const repartition = repartitionTopicPartitions(this.graph, this.plan, counts);
    assertCopartitioned(this.graph, this.plan, new Map([...counts, ...repartition]));
    const taskCount = (sub: SubTopology): number => Math.max(1, ...sub.sourceTopics.map((topic) => counts.get(topic) ?? repartition.get(topic) ?? 1));
    const changelogs = this.plan.subTopologies.flatMap((sub) =>
      sub.stores
        .filter((name) => this.graph.stores.get(name)!.builder.loggingEnabled && !this.graph.stores.get(name)!.global && !this.graph.sourceChangelogs.has(name))
        .map((name) =>
          changelogTopic(changelogTopicName(this.config.applicationId, name), taskCount(sub), this.graph.stores.get(name)!, this.internalTopicSettings),
        ),
    );
    await ensureTopics(admin, [
      ...[...repartition].map(([topic, numPartitions]) => repartitionTopic(this.resolveTopic(topic), numPartitions, this.internalTopicSettings)),
      ...changelogs,
    ]);
    for (const [topic, count] of counts) this.partitionCountByTopic.set(topic, count);
    for (const { topic, numPartitions } of changelogs) this.partitionCountByTopic.set(topic, numPartitions);
    for (const [topic, count] of repartition) this.partitionCountByTopic.set(this.resolveTopic(topic), count);
  }

  private resolveTopic(topic: string): string {
    return this.graph.internalTopics.has(topic) ? internalTopicName(this.config.applicationId, topic) : topic;
  }

  private fail(error: StreamsException): void {
    if (this.state === 'ERROR' || this.state === 'PENDING_SHUTDOWN' || this.state === 'NOT_RUNNING') return;
    this.error = error;
    this.logger.error(`Stopping after an error: ${error.message}`);
    this.transition('ERROR');
    // As Kafka Streams' default SHUTDOWN_CLIENT: one thread failing stops them all.
    for (const thread of this.threads) thread.stop();
    for (const worker of this.workers) void worker.close();
  }

  private async disconnect(): Promise<void> {
    await this.admin?.disconnect().catch(() => {});
  }

  private transition(to: StreamsState): void {
    const from = this.state;
    if (from === to && to !== 'REBALANCING') return;
    if (!canTransition(from, to)) throw new StreamsException(`KafkaStreams cannot go from ${from} to ${to}`);
    this.logger.info(`State ${from} -> ${to}`);
    this.stateSubject.next(to);
  }
}

/** -1 (the broker's default) or a positive whole number, as Kafka Streams' `replication.factor`. */
function replicationFactorSetting(value: number | undefined): number {
  if (value === undefined) return -1;
  if (!Number.isInteger(value) || (value < 1 && value !== -1)) {
    throw new StreamsException(
      `replicationFactor must be -1 (the broker's default.replication.factor) or a whole number of at least 1, e.g. 3; got ${String(value)}`,
    );
  }
  return value;
}

/** A whole-number setting at least `min`, or its default; anything else is an error that names it. */
function integerSetting(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new StreamsException(`${name} must be a whole number of at least ${min}; got ${String(value)}`);
  return value;
}
