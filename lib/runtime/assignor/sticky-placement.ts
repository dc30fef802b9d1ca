import { StreamsException } from '../../errors.ts';
import { lowest } from './ranking.ts';
import { compareTaskIds, subTopologyOf } from './task-ids.ts';
import type { Weighted } from './proportional-quotas.ts';

/** A client or a consumer, with the exact number of tasks it must end with. */
export interface PlacementBin extends Weighted {
  readonly quota: number;
}

export interface PlacementRequest {
  /** Sorted by compareTaskIds. */
  readonly tasks: readonly string[];
  /** In iteration order (processId or memberId); quotas sum to the number of tasks. */
  readonly bins: readonly PlacementBin[];
  /** Where each task ran before; a task with no bin here is placed afresh. */
  readonly previousOwner: ReadonlyMap<string, string>;
  /** How suitable a bin is as a task's new home, lower better (a client's lag on it); 0 if omitted. */
  readonly affinity?: (task: string, bin: string) => number;
}

/**
 * Places tasks so that every bin ends with exactly its quota while as few tasks as possible
 * change bins: each task stays with its previous owner, an owner above its quota gives up the
 * tasks that have the best new home (then those of the sub-topology it has most of), and the
 * tasks so freed, with the new ones, go to the bins still below quota, best affinity first,
 * then spreading each sub-topology, then the least loaded. One algorithm for clients and for
 * the consumers within a client, as Kafka's StickyTaskAssignor uses one for both.
 */
export function placeSticky(request: PlacementRequest): Map<string, string[]> {
  const { tasks, bins, previousOwner } = request;
  const affinity = request.affinity ?? (() => 0);
  const quotaSum = bins.reduce((sum, bin) => sum + bin.quota, 0);
  if (quotaSum !== tasks.length) {
    throw new StreamsException(`Task assignment: quotas add up to ${quotaSum} for ${tasks.length} tasks; this is a bug in the assignor`);
  }

  const placed = new Map(bins.map((bin) => [bin.id, [] as string[]]));
  const pool: string[] = [];
  for (const task of tasks) {
    const owner = previousOwner.get(task);
    const kept = owner === undefined ? undefined : placed.get(owner);
    if (kept) kept.push(task);
    else pool.push(task);
  }

  const room = (bin: PlacementBin): number => bin.quota - placed.get(bin.id)!.length;
  const receivers = bins.filter((bin) => room(bin) > 0);
  const bestAffinities = new Map<string, number>();
  const bestAffinity = (task: string): number => {
    let best = bestAffinities.get(task);
    if (best === undefined) bestAffinities.set(task, (best = Math.min(...receivers.map((bin) => affinity(task, bin.id)))));
    return best;
  };

  for (const bin of bins) {
    const excess = -room(bin);
    if (excess <= 0) continue;
    const own = placed.get(bin.id)!;
    const released = chooseReleases(own, excess, bestAffinity);
    placed.set(
      bin.id,
      own.filter((task) => !released.has(task)),
    );
    pool.push(...released);
  }

  const spread = new Map(bins.map((bin) => [bin.id, subTopologyCounts(placed.get(bin.id)!)]));
  const ordered = pool
    .map((task) => ({ task, best: bestAffinity(task) }))
    .sort((a, b) => (a.best < b.best ? -1 : a.best > b.best ? 1 : compareTaskIds(a.task, b.task)));
  for (const { task } of ordered) {
    const sub = subTopologyOf(task);
    const target = lowest(
      bins.filter((bin) => room(bin) > 0),
      (bin) => [affinity(task, bin.id), (spread.get(bin.id)!.get(sub) ?? 0) / bin.capacity, placed.get(bin.id)!.length / bin.capacity],
    );
    if (!target) throw new StreamsException(`Task assignment: no room left for task ${task}; this is a bug in the assignor`, { location: { taskId: task } });
    placed.get(target.id)!.push(task);
    spread.get(target.id)!.set(sub, (spread.get(target.id)!.get(sub) ?? 0) + 1);
  }
  for (const list of placed.values()) list.sort(compareTaskIds);
  return placed;
}

/**
 * The `excess` tasks a bin above quota gives up: those with the best new home first, then those
 * of the sub-topology it has most of (counted as it gives them up), then the highest ids, so
 * that, all else equal, low ids stay put. Grouped by home and sub-topology, as an owner may
 * give up thousands of tasks.
 */
function chooseReleases(own: readonly string[], excess: number, bestAffinity: (task: string) => number): Set<string> {
  const counts = subTopologyCounts(own);
  const byAffinity = new Map<number, Map<string, string[]>>();
  for (const task of own) {
    const affinity = bestAffinity(task);
    const bySub = byAffinity.get(affinity) ?? byAffinity.set(affinity, new Map()).get(affinity)!;
    const sub = subTopologyOf(task);
    (bySub.get(sub) ?? bySub.set(sub, []).get(sub)!).push(task);
  }
  const classes = [...byAffinity.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((affinity) => byAffinity.get(affinity)!);
  const released = new Set<string>();
  for (const bySub of classes) {
    while (released.size < excess && bySub.size > 0) {
      // Each list is in id order (own is), so its last task is its highest id.
      let chosen: [string, string[]] | undefined;
      for (const entry of bySub) {
        const more = chosen === undefined ? 1 : counts.get(entry[0])! - counts.get(chosen[0])!;
        if (more > 0 || (more === 0 && compareTaskIds(entry[1].at(-1)!, chosen![1].at(-1)!) > 0)) chosen = entry;
      }
      const [sub, list] = chosen!;
      released.add(list.pop()!);
      counts.set(sub, counts.get(sub)! - 1);
      if (list.length === 0) bySub.delete(sub);
    }
  }
  return released;
}

function subTopologyCounts(tasks: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(subTopologyOf(task), (counts.get(subTopologyOf(task)) ?? 0) + 1);
  return counts;
}
