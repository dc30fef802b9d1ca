import { StreamsException, asStreamsException } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ThreadMetrics } from '../metrics/thread-metrics.ts';
import type { TopicPartition } from '../kafka/topic-partition.ts';
import type { RecordCacheBudget } from '../state/record-cache.ts';
import type { StateStore } from '../state/state-store.ts';
import { systemClock } from '../task/clock.ts';
import { buildTaskOptions, type TaskHost } from '../task/task-options-builder.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';
import { compareTaskIds } from './assignor/task-ids.ts';
import { RUNNING_ACTIVE } from './assignor/subscription-info.ts';
import { taskId } from './assignor/task-layout.ts';
import type { Committer } from './committer.ts';
import type { KafkaStreamsConfig } from './kafka-streams-config.ts';
import { RuntimeTask } from './runtime-task.ts';
import { StandbyTask } from './standby-task.ts';
import type { StandbyUpdater } from './standby-updater.ts';
import type { TaskRestorer } from './task-restorer.ts';
import { TaskStores } from './task-stores.ts';
import type { StateDirectory } from './state-directory.ts';

export interface TaskManagerOptions {
  readonly config: KafkaStreamsConfig;
  readonly graph: TopologyGraph;
  readonly plan: TopologyPlan;
  readonly logger: Logger;
  readonly globalStores: ReadonlyMap<string, StateStore>;
  readonly recordCache: RecordCacheBudget;
  readonly partitionCount: (topic: string) => number | undefined;
  /** The broker's name of a topology topic (internal topics get the application id prefix). */
  readonly resolveTopic: (topic: string) => string;
  readonly committer: Committer;
  readonly restorer: TaskRestorer;
  readonly standbyUpdater: StandbyUpdater;
  readonly exactlyOnce: boolean;
  readonly onFailure: (error: StreamsException) => void;
  /** The thread's metrics, under which its tasks register theirs. */
  readonly metrics: ThreadMetrics;
  /** Where the tasks' stores on disk live. */
  readonly stateDirectory: StateDirectory;
}

/**
 * A stream thread's tasks by id (Kafka Streams' TaskManager): creates the active tasks the
 * assignment gives it, keeps standby replicas, turns a standby into an active task (its stores
 * go along), and drops what the thread no longer owns.
 */
export class TaskManager {
  readonly active = new Map<string, RuntimeTask>();
  readonly standby = new Map<string, StandbyTask>();
  private readonly subTopologies = new Map<number, SubTopology>();
  private readonly subTopologyByTopic = new Map<string, SubTopology>();

  constructor(private readonly options: TaskManagerOptions) {
    for (const sub of options.plan.subTopologies) {
      this.subTopologies.set(sub.id, sub);
      for (const topic of sub.sourceTopics) this.subTopologyByTopic.set(options.resolveTopic(topic), sub);
    }
  }

  /** Every source topic of the tasks, as named on the broker: what the thread's consumer subscribes to. */
  sourceTopics(): string[] {
    return [...this.subTopologyByTopic.keys()];
  }

  /** Makes the thread run exactly these tasks, as active and as standby. */
  handleAssignment(active: readonly string[], standby: readonly string[]): void {
    const activeIds = new Set(active);
    const standbyIds = new Set(standby.filter((id) => !activeIds.has(id)));
    for (const [id, task] of this.active) if (!activeIds.has(id)) this.dropActive(task);
    for (const [id, task] of this.standby) if (!standbyIds.has(id) && !activeIds.has(id)) this.dropStandby(task);
    for (const id of active) this.activeTask(id);
    for (const id of standbyIds) if (!this.standby.has(id)) this.createStandby(id);
  }

  /** The active task reading this partition; created when the partition came without an assignment saying so. */
  taskFor(topic: string, partition: number): RuntimeTask {
    const id = this.taskIdOf(topic, partition);
    if (!id) throw new StreamsException(`Received records from topic ${topic}, which the topology does not read`);
    return this.activeTask(id);
  }

  /** The id of the task reading this partition; undefined for a topic the topology does not read. */
  taskIdOf(topic: string, partition: number): string | undefined {
    const sub = this.subTopologyByTopic.get(topic);
    return sub && taskId(sub.id, partition);
  }

  /** Active tasks done restoring: the only ones whose stores are drained and persisted. */
  readyTasks(): RuntimeTask[] {
    return [...this.active.values()].filter((task) => !task.restoring);
  }

  activeIds(): string[] {
    return [...this.active.keys()].sort(compareTaskIds);
  }

  standbyIds(): string[] {
    return [...this.standby.keys()].sort(compareTaskIds);
  }

  /** How far this thread's state of each task has got, for its subscription. */
  taskOffsetSums(): Record<string, number> {
    const sums: Record<string, number> = {};
    for (const [id, task] of this.standby) sums[id] = task.offsetSum();
    for (const id of this.active.keys()) sums[id] = RUNNING_ACTIVE;
    return sums;
  }

  /** Closes every task without committing: the thread was dropped from the group, others own them now. */
  handleLost(): void {
    for (const task of this.active.values()) this.dropActive(task);
  }

  /** Forgets an active task this thread no longer owns; what it has not committed is left to the next owner. */
  dropActive(task: RuntimeTask): void {
    if (this.active.get(task.id) !== task) return;
    this.active.delete(task.id);
    const { subTopology, partition } = task.task.options;
    const partitions: TopicPartition[] = subTopology.sourceTopics.map((topic) => ({ topic: this.options.resolveTopic(topic), partition }));
    this.options.committer.taskDropped(task, partitions);
    void this.closeActive(task);
  }

  /**
   * Closes a task without committing and creates it anew: it restores its stores and goes on
   * from what was committed (a task whose uncommitted work is lost, or that is stuck).
   */
  revive(task: RuntimeTask): void {
    if (this.active.get(task.id) !== task) return;
    this.dropActive(task);
    this.activeTask(task.id);
  }

  /** Persists the standbys' stores to Keyv (on the commit interval). */
  async persistStandbys(): Promise<void> {
    await Promise.all([...this.standby.values()].map((task) => task.stores.persist()));
  }

  async closeAll(): Promise<void> {
    const active = [...this.active.values()];
    this.active.clear();
    for (const task of active) await this.closeActive(task);
    for (const task of [...this.standby.values()]) {
      this.standby.delete(task.id);
      this.options.standbyUpdater.remove(task);
      await task.stores.persist(true).catch(() => {});
      await task.stores.disconnect();
    }
  }

  private async closeActive(task: RuntimeTask): Promise<void> {
    await task.ready.catch(() => {});
    task.close();
    await this.options.committer.taskClosed(task);
    await task.stores.disconnect();
  }

  private activeTask(id: string): RuntimeTask {
    const existing = this.active.get(id);
    if (existing) return existing;
    const standby = this.standby.get(id);
    let stores: TaskStores | undefined;
    if (standby) {
      // Recycled: the standby's stores become the active task's, current up to its positions.
      this.standby.delete(id);
      this.options.standbyUpdater.remove(standby);
      stores = standby.stores;
      stores.recycled = true;
    }
    const task = this.createActive(id, stores);
    const previous = standby ? standby.ready.then(() => {}) : Promise.resolve();
    this.active.set(id, task);
    task.restoring = true;
    const sourceTopics = task.task.options.subTopology.sourceTopics.map(this.options.resolveTopic);
    task.ready = previous
      .then(() => this.options.restorer.restore(task, sourceTopics))
      .then(
        () => {
          task.restoring = false;
        },
        (error) => {
          this.options.onFailure(asStreamsException(error, `Restoring task ${id} failed`));
          throw error;
        },
      );
    task.ready.catch(() => {});
    return task;
  }

  private createActive(id: string, recycled: TaskStores | undefined): RuntimeTask {
    const { subTopology, partition } = this.parse(id);
    const { config, graph, logger, globalStores, partitionCount, recordCache } = this.options;
    const stores = recycled ?? this.taskStores(id, subTopology, partition);
    const host: TaskHost = {
      config,
      graph,
      serialized: true,
      clock: systemClock,
      logger,
      globalStores,
      partitionCount,
      recordCache,
      metrics: this.options.metrics,
    };
    const partitions = subTopology.sourceTopics.map((topic) => ({ topic: this.options.resolveTopic(topic), partition }));
    return new RuntimeTask(
      (emit) => buildTaskOptions(host, { subTopology, partition, buildStore: stores.build, emit }),
      stores,
      partitions,
      config.maxTaskIdleMs ?? 0,
    );
  }

  private createStandby(id: string): void {
    const { subTopology, partition } = this.parse(id);
    const task = new StandbyTask(
      this.options.config.applicationId,
      id,
      partition,
      this.taskStores(id, subTopology, partition),
      this.options.graph,
      subTopology,
      this.options.exactlyOnce,
    );
    this.standby.set(id, task);
    this.options.standbyUpdater.add(task).catch((error) => this.options.onFailure(asStreamsException(error, `Starting standby task ${id} failed`)));
  }

  private dropStandby(task: StandbyTask): void {
    this.standby.delete(task.id);
    this.options.standbyUpdater.remove(task);
    void task.stores
      .persist()
      .catch(() => {})
      .then(() => task.stores.disconnect());
  }

  private taskStores(id: string, subTopology: SubTopology, partition: number): TaskStores {
    const { config, graph } = this.options;
    return new TaskStores({
      applicationId: config.applicationId,
      taskId: id,
      partition,
      factories: config.stores ?? {},
      stateDirectory: this.options.stateDirectory,
      logger: this.options.logger,
      defaultKeySerde: config.defaultKeySerde,
      defaultValueSerde: config.defaultValueSerde,
      logged: new Set(subTopology.stores.filter((name) => graph.stores.get(name)!.builder.loggingEnabled)),
      sourceChangelogs: new Map(
        subTopology.stores.flatMap((name) => {
          const topic = graph.sourceChangelogs.get(name);
          return topic === undefined ? [] : [[name, this.options.resolveTopic(topic)] as const];
        }),
      ),
    });
  }

  private parse(id: string): { subTopology: SubTopology; partition: number } {
    const [sub, partition] = id.split('_').map(Number);
    const subTopology = this.subTopologies.get(sub!);
    if (!subTopology || !Number.isInteger(partition))
      throw new StreamsException(`Task ${id} is not a task of this topology; run one version of the application per application id`);
    return { subTopology, partition: partition! };
  }
}
