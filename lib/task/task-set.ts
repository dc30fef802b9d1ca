import { consoleLogger, type Logger } from '../logger.ts';
import type { TaskMetricsScope } from '../metrics/task-metrics.ts';
import type { StateStore } from '../state/state-store.ts';
import { graphOf, type Topology } from '../topology/topology.ts';
import type { TopologyPlan } from '../topology/internal/topology-plan.ts';
import type { Clock } from './clock.ts';
import { StreamTask, type TaskOutput } from './stream-task.ts';
import { buildTaskOptions, type TaskConfig, type TaskHost } from './task-options-builder.ts';

/**
 * Every task of a topology for partition 0 with the global stores they share: what the test
 * driver and `runTopology` run. Maps each (resolved) source topic to the task that reads it.
 */
export class TaskSet {
  readonly plan: TopologyPlan;
  readonly tasks: StreamTask[] = [];
  readonly globalStores = new Map<string, StateStore>();
  readonly taskByTopic = new Map<string, StreamTask>();

  /** `emit` takes what the tasks send besides their sinks' outputs: dead letters. `metrics`: where the tasks' metrics go. */
  constructor(
    topology: Topology,
    config: TaskConfig & { readonly logger?: Logger },
    clock: Clock,
    serialized: boolean,
    emit: (record: TaskOutput) => void,
    metrics?: TaskMetricsScope,
  ) {
    const graph = graphOf(topology);
    this.plan = topology.plan();
    for (const global of this.plan.globals) {
      for (const name of global.stores) {
        const store = graph.stores.get(name)!.builder.build();
        store.init({ applicationId: config.applicationId, taskId: `${global.id}_global` });
        this.globalStores.set(name, store);
      }
    }
    const host: TaskHost = { config, graph, serialized, clock, logger: config.logger ?? consoleLogger('warn'), globalStores: this.globalStores, metrics };
    for (const subTopology of [...this.plan.globals, ...this.plan.subTopologies]) {
      // As on Kafka, global tasks get no emit: their dead letters are logged, not output.
      const task = new StreamTask(buildTaskOptions(host, { subTopology, partition: 0, emit: subTopology.global ? undefined : emit }));
      this.tasks.push(task);
      for (const topic of subTopology.sourceTopics) this.taskByTopic.set(task.context.resolveTopic(topic), task);
    }
  }

  /** A store by name: a global store or the one task store of that name. */
  store(name: string): StateStore | undefined {
    const global = this.globalStores.get(name);
    if (global) return global;
    for (const task of this.tasks) {
      const store = task.context.stores.get(name);
      if (store) return store;
    }
    return undefined;
  }

  storeNames(): string[] {
    return [...this.globalStores.keys(), ...this.tasks.flatMap((task) => [...task.context.stores.keys()])];
  }

  close(): void {
    for (const task of this.tasks) task.context.closeStores();
    for (const store of this.globalStores.values()) if (store.isOpen()) store.close();
  }
}
