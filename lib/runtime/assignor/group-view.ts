import { sortedTaskIds } from './task-ids.ts';
import type { AssignmentInput, ClientState, ConsumerState } from './task-assignment.ts';

/**
 * The assignor's input normalised once, so that every pass sees the same order, the same
 * previous owners and the same lags.
 */
export interface GroupView {
  /** Sorted by processId, each with its consumers sorted by memberId. */
  readonly clients: readonly ClientState[];
  /** The clients that have a consumer to run tasks on (in practice all of them). */
  readonly hosts: readonly ClientState[];
  /** The tasks of input.tasks, deduplicated and sorted; stateful and stateless apart. */
  readonly statefulTasks: readonly string[];
  readonly statelessTasks: readonly string[];
  /** The one client each task counts as having run on as active (claims settled). */
  readonly previousActiveClient: ReadonlyMap<string, string>;
  capacity(processId: string): number;
  /** Records behind on the task: reported lag, else 0 if it ran the task as active, else Infinity. */
  lag(processId: string, task: string): number;
  isCaughtUp(processId: string, task: string): boolean;
  /** Whether one of its consumers kept the task as standby or warm-up before. */
  heldAsStandby(processId: string, task: string): boolean;
}

export function viewGroup(input: AssignmentInput): GroupView {
  const byMemberId = (a: ConsumerState, b: ConsumerState): number => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
  const clients = [...input.clients]
    .sort((a, b) => (a.processId < b.processId ? -1 : a.processId > b.processId ? 1 : 0))
    .map((client): ClientState => ({ ...client, consumers: [...client.consumers].sort(byMemberId) }));
  const byId = new Map(clients.map((client) => [client.processId, client]));
  const tasks = sortedTaskIds(input.tasks);
  const known = new Set(tasks);

  const ranActive = new Map<string, Set<string>>();
  const keptStandby = new Map<string, Set<string>>();
  for (const client of clients) {
    ranActive.set(client.processId, new Set(client.consumers.flatMap((consumer) => consumer.previousActive)));
    keptStandby.set(client.processId, new Set(client.consumers.flatMap((consumer) => consumer.previousStandby)));
  }

  const lag = (processId: string, task: string): number => {
    const reported = byId.get(processId)?.taskLags.get(task);
    if (reported !== undefined) return reported;
    return ranActive.get(processId)?.has(task) ? 0 : Infinity;
  };
  const isCaughtUp = (processId: string, task: string): boolean => lag(processId, task) <= input.config.acceptableRecoveryLag;

  // A task claimed by two clients (a zombie, or a missed rebalance) counts as the least lagging
  // claimant's, then the first by processId; claims on tasks the topology no longer has are dropped.
  const previousActiveClient = new Map<string, string>();
  for (const client of clients) {
    for (const task of ranActive.get(client.processId)!) {
      if (!known.has(task)) continue;
      const other = previousActiveClient.get(task);
      if (other === undefined || lag(client.processId, task) < lag(other, task)) previousActiveClient.set(task, client.processId);
    }
  }

  return {
    clients,
    hosts: clients.filter((client) => client.consumers.length > 0),
    statefulTasks: tasks.filter((task) => input.statefulTasks.has(task)),
    statelessTasks: tasks.filter((task) => !input.statefulTasks.has(task)),
    previousActiveClient,
    capacity: (processId) => byId.get(processId)?.consumers.length ?? 0,
    lag,
    isCaughtUp,
    heldAsStandby: (processId, task) => keptStandby.get(processId)?.has(task) ?? false,
  };
}
