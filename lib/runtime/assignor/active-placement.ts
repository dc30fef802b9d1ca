import type { GroupView } from './group-view.ts';
import { proportionalQuotas } from './proportional-quotas.ts';
import { placeSticky, type PlacementBin } from './sticky-placement.ts';

/**
 * The balanced, sticky placement of the stateful active tasks, before lag is allowed to hold
 * any move back (warmup-placement.ts does that). Balance counts stateful tasks on their own, as
 * Kafka's HighAvailabilityTaskAssignor does, so every client gets its share of the restoring work.
 * A task without a previous owner goes first to a client caught up on it, then the least lagging.
 */
export function placeStatefulActives(group: GroupView): Map<string, string[]> {
  const tasks = group.statefulTasks;
  const claimed = claimsPerClient(group, tasks);
  // Caught-up clients are all equally good; below that, the fewer records to restore the better.
  const affinity = (task: string, client: string): number => (group.isCaughtUp(client, task) ? 0 : group.lag(client, task));
  const homes = bestHomesOfOrphans(group, affinity);
  // Where rounding leaves a choice, the extra task goes to a client that would otherwise give
  // one up, then to one with the state of a task that lost its owner.
  const quotas = proportionalQuotas(tasks.length, weights(group), (id, floor) => ((claimed.get(id) ?? 0) > floor ? 0 : 2) + (homes.has(id) ? 0 : 1));
  return placeSticky({ tasks, bins: bins(group, quotas), previousOwner: group.previousActiveClient, affinity });
}

/** The clients with the best (finite) affinity for some stateful task whose previous owner is gone. */
function bestHomesOfOrphans(group: GroupView, affinity: (task: string, client: string) => number): Set<string> {
  const homes = new Set<string>();
  for (const task of group.statefulTasks) {
    if (group.previousActiveClient.has(task)) continue;
    const best = Math.min(...group.hosts.map((client) => affinity(task, client.processId)));
    if (best === Infinity) continue;
    for (const client of group.hosts) if (affinity(task, client.processId) === best) homes.add(client.processId);
  }
  return homes;
}

/**
 * The balanced, sticky placement of the stateless active tasks, balanced on their own too; where
 * the rounding leaves a choice, the extra task goes to a client not already above its share of
 * stateful tasks, so that the totals stay even as well.
 */
export function placeStatelessActives(group: GroupView, statefulActives: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const tasks = group.statelessTasks;
  const claimed = claimsPerClient(group, tasks);
  const statefulTotal = group.statefulTasks.length;
  const totalCapacity = group.hosts.reduce((sum, client) => sum + group.capacity(client.processId), 0);
  const aboveStatefulShare = (id: string): boolean => (statefulActives.get(id)?.length ?? 0) * totalCapacity > statefulTotal * group.capacity(id);
  const quotas = proportionalQuotas(tasks.length, weights(group), (id, floor) => (aboveStatefulShare(id) ? 2 : 0) + ((claimed.get(id) ?? 0) > floor ? 0 : 1));
  return placeSticky({ tasks, bins: bins(group, quotas), previousOwner: group.previousActiveClient });
}

function weights(group: GroupView): { id: string; capacity: number }[] {
  return group.hosts.map((client) => ({ id: client.processId, capacity: group.capacity(client.processId) }));
}

function bins(group: GroupView, quotas: ReadonlyMap<string, number>): PlacementBin[] {
  return weights(group).map((weight) => ({ ...weight, quota: quotas.get(weight.id) ?? 0 }));
}

function claimsPerClient(group: GroupView, tasks: readonly string[]): Map<string, number> {
  const claimed = new Map<string, number>();
  for (const task of tasks) {
    const owner = group.previousActiveClient.get(task);
    if (owner !== undefined) claimed.set(owner, (claimed.get(owner) ?? 0) + 1);
  }
  return claimed;
}
