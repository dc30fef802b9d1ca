import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { Admin, Consumer, EachBatchPayload, Kafka as KafkaClient, Producer } from 'kafkajs';
import { Kafka, Partitioners, abortedRecordsFixed } from '../kafka/kafkajs.ts';
import { InvalidStateStoreException, StreamsException, TaskMigratedException, errorMessage } from '../errors.ts';
import { rejoinGroupError } from '../kafka/group-membership.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import { kafkajsLogCreator, toKafkajsLogLevel } from '../kafka/kafkajs-logger.ts';
import { toConsumedRecord } from '../kafka/kafka-records.ts';
import { ensureTopics, partitionCounts, whileRetriable } from '../kafka/topic-admin.ts';
import { isKeyValueStore, type ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { keyComparator } from '../state/internal/key-order.ts';
import { sessionStoreView, windowStoreView, type ReadOnlySessionStore, type ReadOnlyWindowStore } from '../state/window-store.ts';
import type { Windowed } from '../windows/windowed.ts';
import { systemClock } from '../task/clock.ts';
import { resolveExceptionHandler, type ExceptionHandler } from '../task/exception-handlers.ts';
import type { TaskOutput } from '../task/stream-task.ts';
import { graphOf, type Topology } from '../topology/topology.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';
import { RecordCacheBudget } from '../state/record-cache.ts';
import { AtLeastOnceCommitter } from './at-least-once-committer.ts';
import { restoreChangelogs, type RestoreProgress } from './changelog-restorer.ts';
import { deadLetterHandler } from './dead-letter.ts';
import { ExactlyOnceCommitter } from './exactly-once-committer.ts';
import { GlobalState } from './global-state.ts';
import { assertCopartitioned, repartitionTopicPartitions } from './internal-topics.ts';
import type { KafkaStreamsConfig, RuntimeExceptionHandlerOption } from './kafka-streams-config.ts';
import { RuntimeTask, decodeStreamTime } from './runtime-task.ts';
import { canTransition, type StreamsState } from './streams-state.ts';
import { TaskStores, changelogTopicName } from './task-stores.ts';

/** Restoration progress of one changelog partition of one task. */
export interface TaskRestoreProgress extends RestoreProgress {
  readonly taskId: string;
}

/**
 * Runs a topology against Kafka: a kafkajs consumer group named by the application id, one task
 * per input partition of each sub-topology, batches of records processed synchronously through
 * the task pipelines, outputs sent in batches. Stores log to compacted changelog topics, persist
 * to Keyv, and are restored before a task processes its first record. At-least-once commits
 * offsets after the outputs are acknowledged; exactly-once commits both in one transaction.
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
  private readonly exactlyOnce: boolean;
  private readonly commitIntervalMs: number;
  /** Shared by the record caches of every task here, as Kafka's per-thread cache. */
  private readonly recordCache: RecordCacheBudget;
  private readonly subTopologyByTopic = new Map<string, SubTopology>();
  private readonly tasks = new Map<string, RuntimeTask>();
  private readonly partitionCountByTopic = new Map<string, number>();
  private readonly globalState: GlobalState;
  private consumer: Consumer | undefined;
  /** This instance's id in the consumer group, as of its last join. */
  private memberId: string | undefined;
  /** A task was fenced: no record goes on before the consumer joins the group again. */
  private rejoinRequested = false;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private atLeastOnce: AtLeastOnceCommitter | undefined;
  private exactly: ExactlyOnceCommitter | undefined;
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
    if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
      throw new StreamsException(`processingGuarantee ${String(guarantee)} is not supported; use 'at_least_once' or 'exactly_once_v2'`);
    }
    this.exactlyOnce = guarantee === 'exactly_once_v2';
    if (this.exactlyOnce && !abortedRecordsFixed) {
      throw new StreamsException(
        "exactly_once_v2 needs rx-kafka-streams imported before kafkajs: it fixes kafkajs' read_committed filter, which lets aborted records through, before kafkajs loads",
      );
    }
    this.graph = graphOf(topology);
    this.plan = topology.plan();
    this.logger = (config.logger ?? consoleLogger('info')).namespace(`app-${config.applicationId}`);
    this.commitIntervalMs = config.commitIntervalMs ?? (this.exactlyOnce ? 100 : 30_000);
    this.recordCache = new RecordCacheBudget(config.statestoreCacheMaxBytes ?? 10 * 1024 * 1024);
    this.kafka = new Kafka({
      clientId: config.applicationId,
      logLevel: toKafkajsLogLevel(config.kafkaLogLevel ?? 'warn'),
      logCreator: kafkajsLogCreator(this.logger),
      ...config.kafka,
    });
    this.globalState = new GlobalState(this.kafka, this.graph, this.plan, this.streamsConfig(), this.logger, (error) => this.fail(error));
    for (const sub of this.plan.subTopologies) for (const topic of sub.sourceTopics) this.subTopologyByTopic.set(this.resolveTopic(topic), sub);
  }

  get state(): StreamsState {
    return this.stateSubject.value;
  }

  /**
   * Creates internal topics, bootstraps global stores, joins the group, and resolves once tasks
   * are assigned and RUNNING (their stores may still be restoring: see `restoration$`).
   */
  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw new StreamsException(`start() can be called once, on a CREATED instance; this one is ${this.state}`);
    this.transition('REBALANCING');
    try {
      await this.prepareTopics();
      await this.globalState.start();
      const consumer = (this.consumer = this.kafka.consumer({
        heartbeatInterval: 1000,
        sessionTimeout: 10_000,
        maxWaitTimeInMs: 100,
        ...this.config.consumer,
        groupId: this.config.applicationId,
        readUncommitted: false,
      }));
      if (this.exactlyOnce) {
        this.exactly = new ExactlyOnceCommitter(this.kafka, this.config.applicationId);
      } else {
        this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...this.config.producer });
        await this.producer.connect();
        this.atLeastOnce = new AtLeastOnceCommitter(this.producer, consumer, this.logger);
      }
      const joined = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.GROUP_JOIN, (event) => {
          const { memberId, memberAssignment } = event.payload;
          // A new member id: the coordinator dropped this member (its session expired while it
          // was stopped or stalled), and others owned its partitions meanwhile. Its tasks are
          // behind them; like Kafka Streams on lost partitions, close them without committing.
          if (this.memberId !== undefined && memberId !== this.memberId) this.dropLostTasks();
          this.memberId = memberId;
          this.rejoinRequested = false;
          this.assign(memberAssignment);
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
      this.commitTimer = setInterval(() => void this.commitAll().catch((error) => this.fail(asStreamsException(error, 'Committing failed'))), this.commitIntervalMs);
      this.commitTimer.unref();
    } catch (error) {
      const failure = asStreamsException(error, 'start() failed');
      this.fail(failure);
      await this.disconnect();
      throw failure;
    }
  }

  /** Finishes the batches in flight, commits, writes the stores to Keyv, leaves the group. */
  async close(): Promise<void> {
    if (this.state === 'NOT_RUNNING' || this.state === 'PENDING_SHUTDOWN') return;
    const failed = this.state === 'ERROR';
    this.transition('PENDING_SHUTDOWN');
    clearInterval(this.commitTimer);
    try {
      // Commit before leaving the group: once the consumer stops, its commits are refused.
      await Promise.allSettled([...this.batchesInFlight]);
      await Promise.allSettled([...this.tasks.values()].map((task) => task.ready));
      if (!failed) await this.commitAll(true);
      await this.consumer?.stop();
    } catch (error) {
      this.logger.warn(`Could not send or commit everything while closing: ${errorMessage(error)}`);
    }
    for (const task of this.tasks.values()) await this.closeTask(task);
    this.tasks.clear();
    await this.globalState.close();
    await this.disconnect();
    this.transition('NOT_RUNNING');
  }

  /** Task ids (`<subTopology>_<partition>`) this instance runs now. */
  activeTasks(): string[] {
    return [...this.tasks.keys()].sort();
  }

  /**
   * A read-only view of the store `name` across this instance's tasks (interactive queries).
   * Reads throw InvalidStateStoreException while a task of the store restores, or when no task of
   * it runs here.
   */
  store<K = unknown, V = unknown>(name: string): ReadOnlyKeyValueStore<K, V> {
    const registration = this.graph.stores.get(name);
    if (!registration) throw new InvalidStateStoreException(`No state store named ${name}; the topology has [${[...this.graph.stores.keys()].join(', ')}]`);
    const stores = (): ReadOnlyKeyValueStore<K, V>[] => {
      if (registration.global) {
        const global = this.globalState.stores.get(name);
        if (!global || !global.isOpen()) throw new InvalidStateStoreException(`Global store ${name} is not available: the instance is ${this.state}`);
        return [global as unknown as ReadOnlyKeyValueStore<K, V>];
      }
      const hosting = [...this.tasks.values()].filter((task) => task.task.context.stores.has(name));
      if (hosting.length === 0) throw new InvalidStateStoreException(`Store ${name} is not hosted on this instance: none of its tasks is assigned here`);
      const restoring = hosting.filter((task) => task.restoring).map((task) => task.id);
      if (restoring.length > 0) throw new InvalidStateStoreException(`Store ${name} is restoring (tasks ${restoring.join(', ')}); query it again once they are restored`);
      return hosting.map((task) => task.task.context.stores.get(name)).filter((s) => s !== undefined && isKeyValueStore(s)) as unknown as ReadOnlyKeyValueStore<K, V>[];
    };
    const compare = keyComparator(registration.builder.keySerde as never, name) as (a: K, b: K) => number;
    const merged = (read: (store: ReadOnlyKeyValueStore<K, V>) => { key: K; value: V }[]) => stores().flatMap(read).sort((a, b) => compare(a.key, b.key));
    return {
      get: (key) => {
        for (const store of stores()) {
          const value = store.get(key);
          if (value !== undefined) return value;
        }
        return undefined;
      },
      range: (from, to) => merged((store) => store.range(from, to)),
      all: () => merged((store) => store.all()),
      approximateNumEntries: () => stores().reduce((sum, store) => sum + store.approximateNumEntries(), 0),
    };
  }

  /** A windowed aggregation's store across this instance's tasks, read by key and window start. */
  windowStore<K = unknown, V = unknown>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.store<Windowed<K>, V>(name));
  }

  /** A session aggregation's store across this instance's tasks. */
  sessionStore<K = unknown, V = unknown>(name: string): ReadOnlySessionStore<K, V> {
    return sessionStoreView(this.store<Windowed<K>, V>(name));
  }

  /** What the tasks of this instance skipped: records dropped as late by windows and joins. */
  metrics(): { droppedRecords: number } {
    return { droppedRecords: [...this.tasks.values()].reduce((sum, task) => sum + task.task.context.metrics.droppedRecords, 0) };
  }

  private trackBatch(batch: Promise<void>): Promise<void> {
    this.batchesInFlight.add(batch);
    return batch.finally(() => this.batchesInFlight.delete(batch));
  }

  private processing(): boolean {
    return this.state === 'RUNNING' || this.state === 'REBALANCING';
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!this.processing()) return;
    if (this.rejoinRequested) throw rejoinGroupError('a task of this instance was fenced');
    const task = this.taskFor(batch.topic, batch.partition);
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
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !this.processing()) break;
      if (task.alreadyProcessed(batch.topic, batch.partition, message.offset)) {
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
      if (this.exactlyOnce) {
        if (task.failure || task.task.context.commitRequested || Date.now() - task.lastCommit >= this.commitIntervalMs) {
          task.task.context.commitRequested = false;
          if (!(await this.commitExactlyOnce(task))) return;
        }
      } else {
        const due = task.failure !== undefined || task.task.context.commitRequested || Date.now() - this.lastCommit >= this.commitIntervalMs;
        if (due) {
          // Every task's caches are flushed and its outputs sent, then the acknowledged offsets committed.
          const ready = this.readyTasks();
          await this.atLeastOnce!.send(ready, true);
          task.task.context.commitRequested = false;
          this.lastCommit = Date.now();
          await this.atLeastOnce!.commit(ready);
        } else {
          // Between commits a batch's outputs go out on their own, alongside other tasks' sends.
          // What other tasks emitted meanwhile (wall-clock punctuators) goes too, unawaited: a
          // failed send surfaces at the next commit, which waits for every task's sends.
          const others = this.readyTasks().filter((other) => other !== task && other.outputs.length > 0);
          if (others.length > 0) void this.atLeastOnce!.send(others, false).catch(() => {});
          await this.atLeastOnce!.send([task], false);
        }
      }
    } catch (error) {
      this.fail(asStreamsException(error, `Committing task ${task.id} failed`));
      return;
    }
    if (task.failure) {
      this.fail(task.failure);
      return;
    }
    await heartbeat();
  }

  /** Sends and commits every task's pending work (on the commit interval, and when closing). */
  private async commitAll(clean = false): Promise<void> {
    const tasks = this.readyTasks();
    if (this.exactlyOnce) {
      await Promise.all(tasks.map((task) => this.commitExactlyOnce(task, clean)));
    } else if (this.atLeastOnce) {
      await this.atLeastOnce.send(tasks, true);
      this.lastCommit = Date.now();
      await this.atLeastOnce.commit(tasks, clean);
    }
  }

  /** Commits the task's transaction; false when the task was fenced (it is dropped then). */
  private async commitExactlyOnce(task: RuntimeTask, clean = false): Promise<boolean> {
    try {
      await this.exactly!.commit(task, clean);
      return true;
    } catch (error) {
      if (!(error instanceof TaskMigratedException)) throw error;
      this.taskMigrated(task, error);
      return false;
    }
  }

  /** Tasks done restoring: the only ones whose stores are drained and persisted. */
  private readyTasks(): RuntimeTask[] {
    return [...this.tasks.values()].filter((task) => !task.restoring);
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
    for (const [id, task] of this.tasks) if (!wanted.has(id)) this.dropTask(id, task);
    this.logger.info(`Assigned tasks [${this.activeTasks().join(', ')}]`);
  }

  private dropLostTasks(): void {
    if (this.tasks.size === 0) return;
    this.logger.warn(`This instance was dropped from the group (its session expired); closing tasks [${this.activeTasks().join(', ')}] without committing, to restore those assigned again`);
    for (const [id, task] of this.tasks) this.dropTask(id, task);
  }

  /**
   * Drops a fenced task, and has the consumer join the group again (Kafka Streams enforces a
   * rebalance): a member dropped from the group comes back as a new one, and a member still in
   * it fetches again from the committed offsets, creating the task anew if it is still its own.
   */
  private taskMigrated(task: RuntimeTask, error: TaskMigratedException): void {
    this.logger.warn(`${error.message}; dropping it and joining the group again`);
    if (this.tasks.get(task.id) === task) this.dropTask(task.id, task);
    this.rejoinRequested = true;
    // The next fetched batch has the consumer join again. Nothing new may come to fetch, so
    // fetch again from the committed offsets: what the task did since, a new task must redo.
    // (kafkajs keeps a seek until it fetches the partition, after a rejoin too: an offset at most
    // the committed one then only fetches records a new task skips as committed already.)
    for (const { topic, partition, offset } of task.lastCommitted()) {
      this.consumer?.seek({ topic, partition, offset: offset === undefined ? EARLIEST_OFFSET : String(offset) });
    }
  }

  /** Forgets a task this instance no longer owns; whatever it has not committed is left to the next owner. */
  private dropTask(id: string, task: RuntimeTask): void {
    this.tasks.delete(id);
    const { subTopology, partition } = task.task.options;
    this.atLeastOnce?.forget(task, subTopology.sourceTopics.map((topic) => ({ topic: this.resolveTopic(topic), partition })));
    void this.closeTask(task);
  }

  private async closeTask(task: RuntimeTask): Promise<void> {
    await task.ready.catch(() => {});
    task.close();
    await this.exactly?.taskClosed(task);
    await task.stores.disconnect();
  }

  private taskFor(topic: string, partition: number): RuntimeTask {
    const subTopology = this.subTopologyByTopic.get(topic);
    if (!subTopology) throw new StreamsException(`Received records from topic ${topic}, which the topology does not read`);
    const id = `${subTopology.id}_${partition}`;
    let task = this.tasks.get(id);
    if (task) return task;
    const stores = new TaskStores({
      applicationId: this.config.applicationId,
      taskId: id,
      partition,
      factories: this.config.stores ?? {},
      defaultKeySerde: this.config.defaultKeySerde,
      defaultValueSerde: this.config.defaultValueSerde,
      logged: new Set(subTopology.stores.filter((name) => this.graph.stores.get(name)!.builder.loggingEnabled)),
      sourceChangelogs: new Map(subTopology.stores.flatMap((name) => {
        const topic = this.graph.sourceChangelogs.get(name);
        return topic === undefined ? [] : [[name, topic] as const];
      })),
    });
    const created = new RuntimeTask(
      (emit) => ({
        applicationId: this.config.applicationId,
        graph: this.graph,
        subTopology,
        partition,
        serialized: true,
        defaultKeySerde: this.config.defaultKeySerde,
        defaultValueSerde: this.config.defaultValueSerde,
        clock: systemClock,
        logger: this.logger,
        globalStores: this.globalState.stores,
        buildStore: stores.build,
        partitionCount: (name) => this.partitionCountByTopic.get(name),
        onProcessingError: this.handler(this.config.processingExceptionHandler, emit),
        onDeserializationError: this.handler(this.config.deserializationExceptionHandler, emit),
        invalidTimestamp: this.config.invalidTimestamp,
        recordCache: this.recordCache,
      }),
      stores,
    );
    this.tasks.set(id, created);
    created.restoring = true;
    created.ready = this.restore(created).then(
      () => {
        created.restoring = false;
      },
      (error) => {
        this.fail(asStreamsException(error, `Restoring task ${id} failed`));
        throw error;
      },
    );
    created.ready.catch(() => {});
    return created;
  }

  /** Fences an earlier owner (exactly-once), loads Keyv, then replays the changelogs' tails. */
  private async restore(task: RuntimeTask): Promise<void> {
    // Exactly-once: fencing waits for the previous owner's last transaction to finish, so the
    // committed offsets read next are stable.
    if (this.exactly) await this.exactly.taskCreated(task);
    {
      const partition = task.task.options.partition;
      const topics = task.task.options.subTopology.sourceTopics.map((topic) => this.resolveTopic(topic));
      for (const committed of await whileRetriable(() => this.admin!.fetchOffsets({ groupId: this.config.applicationId, topics }))) {
        const position = committed.partitions.find((p) => p.partition === partition);
        const offset = Number(position?.offset ?? -1);
        if (offset >= 0 && this.exactly) task.startAt(committed.topic, partition, offset);
        // Stream time goes on from where the previous owner left it, as Kafka Streams keeps it.
        task.task.context.advanceStreamTime(decodeStreamTime(position?.metadata));
      }
    }
    const replayFrom = await task.stores.load(this.exactlyOnce);
    if (replayFrom.size === 0) return;
    const partition = task.task.options.partition;
    const fromSource = task.stores.sourceChangelogTopics();
    const requests = [];
    for (const [topic, from] of replayFrom) {
      // A source topic serving as changelog is replayed up to the committed input offset only:
      // what comes after it is processed (again) as input.
      const end = fromSource.has(topic) ? await this.committedOffset(topic, partition) : await this.endOffset(topic, partition);
      requests.push({ topic, partition, from, to: end, apply: (key: Buffer | null, value: Buffer | null) => task.stores.restore(topic, key, value) });
    }
    // Replaying is idempotent (upserts in offset order), so a stalled restore simply starts over.
    for (let attempt = 1; ; attempt++) {
      try {
        await restoreChangelogs(this.kafka, this.config.applicationId, requests, this.logger, (progress) =>
          this.restorationSubject.next({ ...progress, taskId: task.id }),
        );
        break;
      } catch (error) {
        if (attempt >= 3 || !this.processing()) throw error;
        this.logger.warn(`Restoring task ${task.id} failed (${errorMessage(error)}); trying again (${attempt + 1} of 3)`);
      }
    }
    for (const request of requests) task.stores.restoredTo(request.topic, request.to);
  }

  private async endOffset(topic: string, partition: number): Promise<number> {
    // A changelog another instance has just created may not have a leader yet: ask again.
    const offsets = await whileRetriable(() => this.admin!.fetchTopicOffsets(topic));
    return Number(offsets.find((o) => o.partition === partition)?.high ?? 0);
  }

  private async committedOffset(topic: string, partition: number): Promise<number> {
    const [committed] = await whileRetriable(() => this.admin!.fetchOffsets({ groupId: this.config.applicationId, topics: [topic] }));
    return Math.max(0, Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? 0));
  }

  private handler(option: RuntimeExceptionHandlerOption | undefined, emit: (record: TaskOutput) => void): ExceptionHandler {
    if (option !== undefined && typeof option === 'object') return deadLetterHandler(option.deadLetterTopic, emit);
    return resolveExceptionHandler(option);
  }

  /**
   * Checks the source topics exist, then creates the repartition topics and the compacted
   * changelog topics, each with as many partitions as the tasks that write them.
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
    if (missing.length > 0) throw new StreamsException(`Source topics [${missing.join(', ')}] do not exist; create them before starting ${this.config.applicationId}`);
    const repartition = repartitionTopicPartitions(this.graph, this.plan, counts);
    assertCopartitioned(this.graph, this.plan, new Map([...counts, ...repartition]));
    const taskCount = (sub: SubTopology): number => Math.max(1, ...sub.sourceTopics.map((topic) => counts.get(topic) ?? repartition.get(topic) ?? 1));
    const changelogs = this.plan.subTopologies.flatMap((sub) =>
      sub.stores
        .filter((name) => this.graph.stores.get(name)!.builder.loggingEnabled && !this.graph.stores.get(name)!.global && !this.graph.sourceChangelogs.has(name))
        .map((name) => ({ topic: changelogTopicName(this.config.applicationId, name), numPartitions: taskCount(sub), replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
    );
    await ensureTopics(admin, [
      ...[...repartition].map(([topic, numPartitions]) => ({ topic: this.resolveTopic(topic), numPartitions, replicationFactor: -1 })),
      ...changelogs,
    ]);
    for (const [topic, count] of counts) this.partitionCountByTopic.set(topic, count);
    for (const [topic, count] of repartition) this.partitionCountByTopic.set(this.resolveTopic(topic), count);
  }

  private resolveTopic(topic: string): string {
    return this.graph.internalTopics.has(topic) ? `${this.config.applicationId}-${topic}` : topic;
  }

  private streamsConfig() {
    const { deserializationExceptionHandler, processingExceptionHandler, ...rest } = this.config;
    return {
      ...rest,
      deserializationExceptionHandler: typeof deserializationExceptionHandler === 'object' ? undefined : deserializationExceptionHandler,
      processingExceptionHandler: typeof processingExceptionHandler === 'object' ? undefined : processingExceptionHandler,
    };
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
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect(), this.exactly?.close(), this.admin?.disconnect()]);
  }

  private transition(to: StreamsState): void {
    const from = this.state;
    if (from === to && to !== 'REBALANCING') return;
    if (!canTransition(from, to)) throw new StreamsException(`KafkaStreams cannot go from ${from} to ${to}`);
    this.logger.info(`State ${from} -> ${to}`);
    this.stateSubject.next(to);
  }
}

/** kafkajs' seek() to a partition's first offset. */
const EARLIEST_OFFSET = '-2';

function asStreamsException(error: unknown, context: string): StreamsException {
  return error instanceof StreamsException ? error : new StreamsException(`${context}: ${errorMessage(error)}`, { cause: error });
}
