import type { GroupView } from './group-view.ts';
import { lowest } from './ranking.ts';
import { compareTaskIds } from './task-ids.ts';

export interface StandbyPlacement {
  readonly standby: Map<string, string[]>;
  /** Replicas asked for that no client could take (fewer clients than replicas + 1). */
  readonly unplaced: number;
}

/**
 * Gives each stateful task `numStandbyReplicas` standbys on distinct clients other than the one
 * running it; a warm-up counts as one of them, as in Kafka. Among the clients that may take a
 * replica, the choice is: one still within its fair share of all replicas (actives, standbys and
 * warm-ups, per thread), so that sticky standbys cannot pile up on old members while a new one
 * gets none; then one that kept the task as standby before; then the least lagging; then the
 * least loaded.
 */
export function placeStandbys(
  group: GroupView,
  /** Every active task, stateless ones too: they count towards a client's load. */
  active: ReadonlyMap<string, readonly string[]>,
  warmup: ReadonlyMap<string, readonly string[]>,
  numStandbyReplicas: number,
): StandbyPlacement {
  const wanted = Math.max(0, numStandbyReplicas);
  const hosts = group.hosts.map((client) => client.processId);
  const holds = new Map(hosts.map((id) => [id, new Set([...(active.get(id) ?? []), ...(warmup.get(id) ?? [])])]));
  const standby = new Map(hosts.map((id) => [id, [] as string[]]));
  const warmups = new Map<string, number>();
  for (const tasks of warmup.values()) for (const task of tasks) warmups.set(task, (warmups.get(task) ?? 0) + 1);

  const replicas = (task: string): number => Math.max(0, Math.min(wanted, hosts.length - 1) - (warmups.get(task) ?? 0));
  const totalCapacity = hosts.reduce((sum, id) => sum + group.capacity(id), 0);
  const totalLoad = [...holds.values()].reduce((sum, tasks) => sum + tasks.size, 0) + group.statefulTasks.reduce((sum, task) => sum + replicas(task), 0);
  const fairShare = new Map(hosts.map((id) => [id, Math.ceil((totalLoad * group.capacity(id)) / totalCapacity)]));

  let unplaced = 0;
  for (const task of group.statefulTasks) {
    const needed = Math.max(0, wanted - (warmups.get(task) ?? 0));
    for (let placed = 0; placed < needed; placed++) {
      const target = lowest(
        hosts.filter((id) => !holds.get(id)!.has(task)),
        (id) => [
          holds.get(id)!.size < fairShare.get(id)! ? 0 : 1,
          group.heldAsStandby(id, task) ? 0 : 1,
          group.lag(id, task),
          holds.get(id)!.size / group.capacity(id),
        ],
      );
      if (target === undefined) {
        unplaced += needed - placed;
        break;
      }
      holds.get(target)!.add(task);
      standby.get(target)!.push(task);
    }
  }
  for (const list of standby.values()) list.sort(compareTaskIds);
  return { standby, unplaced };
}
