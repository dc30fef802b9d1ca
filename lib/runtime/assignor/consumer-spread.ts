import type { ClientState, ConsumerAssignment, ConsumerState } from './task-assignment.ts';
import { proportionalQuotas } from './proportional-quotas.ts';
import { placeSticky } from './sticky-placement.ts';
import { sortedTaskIds } from './task-ids.ts';

/**
 * Spreads one client's tasks over its consumers (stream threads): actives evenly, each staying
 * on the consumer that ran it before when the counts allow; then standbys and warm-ups evenly
 * the same way, sticky to the consumer that kept them, the extra ones going to consumers with
 * fewer actives. Returns an entry for every consumer, empty or not.
 */
export function spreadOverConsumers(client: ClientState, active: readonly string[], standby: readonly string[]): Map<string, ConsumerAssignment> {
  const consumers = client.consumers;
  const weights = consumers.map((consumer) => ({ id: consumer.memberId, capacity: 1 }));

  const activeTasks = sortedTaskIds(active);
  const activeOwners = previousOwners(consumers, activeTasks, (consumer) => consumer.previousActive);
  const activeClaims = claimCounts(activeOwners);
  const activeQuotas = proportionalQuotas(activeTasks.length, weights, (id, floor) => ((activeClaims.get(id) ?? 0) > floor ? 0 : 1));
  const activeFloor = Math.floor(activeTasks.length / Math.max(1, consumers.length));
  const actives = placeSticky({
    tasks: activeTasks,
    bins: weights.map((weight) => ({ ...weight, quota: activeQuotas.get(weight.id)! })),
    previousOwner: activeOwners,
  });

  const standbyTasks = sortedTaskIds(standby);
  const standbyOwners = previousOwners(consumers, standbyTasks, (consumer) => consumer.previousStandby);
  const standbyClaims = claimCounts(standbyOwners);
  const standbyQuotas = proportionalQuotas(
    standbyTasks.length,
    weights,
    (id, floor) => ((standbyClaims.get(id) ?? 0) > floor ? 0 : 2) + (activeQuotas.get(id)! > activeFloor ? 1 : 0),
  );
  const standbys = placeSticky({
    tasks: standbyTasks,
    bins: weights.map((weight) => ({ ...weight, quota: standbyQuotas.get(weight.id)! })),
    previousOwner: standbyOwners,
  });

  return new Map(consumers.map((consumer) => [consumer.memberId, { active: actives.get(consumer.memberId)!, standby: standbys.get(consumer.memberId)! }]));
}

/** Task -> the first consumer (consumers come sorted by memberId) that had it, for the given tasks only. */
function previousOwners(
  consumers: readonly ConsumerState[],
  tasks: readonly string[],
  had: (consumer: ConsumerState) => readonly string[],
): Map<string, string> {
  const wanted = new Set(tasks);
  const owners = new Map<string, string>();
  for (const consumer of consumers) {
    for (const task of had(consumer)) if (wanted.has(task) && !owners.has(task)) owners.set(task, consumer.memberId);
  }
  return owners;
}

function claimCounts(owners: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}
