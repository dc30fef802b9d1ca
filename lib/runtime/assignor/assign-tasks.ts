import { placeStatefulActives, placeStatelessActives } from './active-placement.ts';
import { spreadOverConsumers } from './consumer-spread.ts';
import { viewGroup } from './group-view.ts';
import { placeStandbys } from './standby-placement.ts';
import { compareTaskIds } from './task-ids.ts';
import type { AssignmentInput, ClientAssignment, ConsumerAssignment, TaskAssignment } from './task-assignment.ts';
import { holdBackLaggingMoves } from './warmup-placement.ts';

/**
 * Assigns every task of the topology to one client as active, and standbys and warm-ups of the
 * stateful ones to others, then each client's share to its consumers; the logic of Kafka
 * Streams' HighAvailabilityTaskAssignor with a sticky balance. Pure and deterministic: the same
 * input, in any order, gives the same assignment.
 *
 * - Actives are balanced per thread, stateful and stateless tasks each on their own, and stay
 *   where they ran when the balance allows.
 * - A stateful task is not moved to a client that would have to restore it while a caught-up one
 *   exists; that client warms it up instead (within `maxWarmupReplicas`) and
 *   `probingRebalanceNeeded` asks for a later rebalance to finish the move.
 * - Each stateful task gets `numStandbyReplicas` standbys on other clients (a warm-up counts as
 *   one); those no client can take are counted in `unplacedStandbys`.
 *
 * @param input The group's clients as their subscriptions describe them, and the topology's tasks.
 * @returns Tasks per client and per consumer; every client and consumer of the input has an entry.
 */
export function assignTasks(input: AssignmentInput): TaskAssignment {
  const group = viewGroup(input);
  const clients = new Map<string, ClientAssignment>();
  const consumers = new Map<string, ConsumerAssignment>();
  if (group.hosts.length === 0) {
    for (const client of group.clients) clients.set(client.processId, { active: [], standby: [], warmup: [] });
    return { clients, consumers, probingRebalanceNeeded: false, unplacedStandbys: 0 };
  }

  const stateful = holdBackLaggingMoves(group, placeStatefulActives(group), input.config.maxWarmupReplicas);
  const stateless = placeStatelessActives(group, stateful.active);
  const actives = new Map(
    group.clients.map(({ processId: id }) => [id, [...(stateful.active.get(id) ?? []), ...(stateless.get(id) ?? [])].sort(compareTaskIds)] as const),
  );
  const standbys = placeStandbys(group, actives, stateful.warmup, input.config.numStandbyReplicas);

  for (const client of group.clients) {
    const id = client.processId;
    const active = actives.get(id)!;
    const standby = standbys.standby.get(id) ?? [];
    const warmup = stateful.warmup.get(id) ?? [];
    clients.set(id, { active, standby, warmup });
    for (const [memberId, tasks] of spreadOverConsumers(client, active, [...standby, ...warmup])) consumers.set(memberId, tasks);
  }
  return { clients, consumers, probingRebalanceNeeded: stateful.heldBack > 0, unplacedStandbys: standbys.unplaced };
}
