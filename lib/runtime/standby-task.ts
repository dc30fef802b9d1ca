import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology } from '../topology/internal/topology-plan.ts';
import type { TaskStores } from './task-stores.ts';

/**
 * A standby replica of a task (Kafka Streams' StandbyTask): the task's stores, kept up to date
 * from its changelogs by the thread's standby updater, never processing input. When the task
 * becomes active here, its stores are handed to the active task, which replays only what the
 * standby had not read yet.
 */
export class StandbyTask {
  /** Resolves once the stores are loaded from Keyv, with the offset to read each changelog from. */
  readonly ready: Promise<Map<string, number>>;

  constructor(
    applicationId: string,
    readonly id: string,
    readonly partition: number,
    readonly stores: TaskStores,
    graph: TopologyGraph,
    subTopology: SubTopology,
    exactlyOnce: boolean,
  ) {
    for (const name of subTopology.stores) {
      const registration = graph.stores.get(name)!;
      if (registration.global) continue;
      stores.build(registration.builder).init({ applicationId, taskId: id });
    }
    this.ready = stores.load(exactlyOnce);
  }

  /** The sum over its changelog partitions of the next offset to apply: how far its state has got. */
  offsetSum(): number {
    return [...this.stores.positions().values()].reduce((sum, next) => sum + next, 0);
  }
}
