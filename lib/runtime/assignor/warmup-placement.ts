import type { GroupView } from './group-view.ts';
import { lowest } from './ranking.ts';
import { compareTaskIds } from './task-ids.ts';

export interface WarmupPlacement {
  /** The stateful actives per client once moves to lagging clients are held back. */
  readonly active: Map<string, string[]>;
  /** Warm-up replicas per client: the held-back moves' destinations, within the budget. */
  readonly warmup: Map<string, string[]>;
  /** How many moves were held back (warm-up or not): a probing rebalance should retry them. */
  readonly heldBack: number;
}

/**
 * Keeps every stateful task on a caught-up client when the balanced placement would send it to
 * one that is not (its state would have to be restored first, and the task would be down
 * meanwhile), as Kafka's HighAvailabilityTaskAssignor does. The task goes to the least loaded
 * caught-up client (its previous owner when as loaded as any: no hand-over then); the destination
 * balance wanted warms the task up as a standby, up to `maxWarmupReplicas` over the whole group,
 * so that a later probing rebalance finds it caught up and moves the task then. When no client
 * is caught up the balanced placement stands: waiting would not make the task available sooner.
 */
export function holdBackLaggingMoves(group: GroupView, balanced: ReadonlyMap<string, readonly string[]>, maxWarmupReplicas: number): WarmupPlacement {
  const active = new Map([...balanced].map(([client, tasks]) => [client, [...tasks]]));
  const owner = new Map<string, string>();
  for (const [client, tasks] of balanced) for (const task of tasks) owner.set(task, client);

  const moves: { task: string; destination: string }[] = [];
  for (const task of group.statefulTasks) {
    const destination = owner.get(task)!;
    if (group.isCaughtUp(destination, task)) continue;
    const caughtUp = group.hosts.filter((client) => group.isCaughtUp(client.processId, task));
    if (caughtUp.length === 0) continue;
    const previous = group.previousActiveClient.get(task);
    const keeper = lowest(caughtUp, (client) => [
      active.get(client.processId)!.length / group.capacity(client.processId),
      client.processId === previous ? 0 : 1,
      group.lag(client.processId, task),
    ])!;
    const from = active.get(destination)!;
    from.splice(from.indexOf(task), 1);
    active.get(keeper.processId)!.push(task);
    moves.push({ task, destination });
  }

  // Warm-ups already under way (lowest lag at the destination) keep the budget, so a probing
  // rebalance finishes them instead of starting others.
  moves.sort((a, b) => {
    const lagA = group.lag(a.destination, a.task);
    const lagB = group.lag(b.destination, b.task);
    return lagA < lagB ? -1 : lagA > lagB ? 1 : compareTaskIds(a.task, b.task);
  });
  const warmup = new Map(group.hosts.map((client) => [client.processId, [] as string[]]));
  for (const { task, destination } of moves.slice(0, Math.max(0, maxWarmupReplicas))) warmup.get(destination)!.push(task);

  for (const list of [...active.values(), ...warmup.values()]) list.sort(compareTaskIds);
  return { active, warmup, heldBack: moves.length };
}
