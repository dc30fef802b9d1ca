import { expect } from 'chai';
import { assignTasks } from '../../../lib/runtime/assignor/assign-tasks.ts';
import type { AssignmentInput, AssignorConfig, ClientState, ConsumerAssignment, TaskAssignment } from '../../../lib/runtime/assignor/task-assignment.ts';

const defaults: AssignorConfig = { numStandbyReplicas: 0, acceptableRecoveryLag: 100, maxWarmupReplicas: 2 };

/** `count` task ids of one sub-topology: 0_0, 0_1, ... */
function taskIds(count: number, subTopology = 0): string[] {
  return Array.from({ length: count }, (_, partition) => `${subTopology}_${partition}`);
}

interface ClientOptions {
  readonly threads?: number;
  /** Tasks it ran as active, dealt round-robin over its consumers (lag 0 unless `lags` says otherwise). */
  readonly active?: readonly string[];
  /** Tasks it kept as standby, dealt the same way. */
  readonly standby?: readonly string[];
  readonly lags?: Readonly<Record<string, number>>;
}

/** A client whose consumers are `<processId>-0`, `<processId>-1`, ... */
function client(processId: string, options: ClientOptions = {}): ClientState {
  const threads = options.threads ?? 1;
  const deal = (tasks: readonly string[] = [], i: number): string[] => tasks.filter((_, index) => index % threads === i);
  const consumers = Array.from({ length: threads }, (_, i) => ({
    memberId: `${processId}-${i}`,
    previousActive: deal(options.active, i),
    previousStandby: deal(options.standby, i),
  }));
  const lags = new Map<string, number>((options.active ?? []).map((task) => [task, 0]));
  for (const [task, lag] of Object.entries(options.lags ?? {})) lags.set(task, lag);
  return { processId, consumers, taskLags: lags };
}

function input(
  clients: readonly ClientState[],
  tasks: readonly string[],
  options: { stateful?: boolean; config?: Partial<AssignorConfig> } = {},
): AssignmentInput {
  return { clients, tasks, statefulTasks: new Set(options.stateful ? tasks : []), config: { ...defaults, ...options.config } };
}

/**
 * The next rebalance after `result`: every consumer reports what it got. Actives and standbys
 * are caught up (lag 0); a warm-up reports `warmupLag` (still far behind unless told).
 */
function nextRound(previous: AssignmentInput, result: TaskAssignment, warmupLag = 10_000): AssignmentInput {
  const clients = previous.clients.map((state): ClientState => {
    const assigned = result.clients.get(state.processId)!;
    const lags = new Map<string, number>();
    for (const task of [...assigned.active, ...assigned.standby]) lags.set(task, 0);
    for (const task of assigned.warmup) lags.set(task, warmupLag);
    const consumers = state.consumers.map((consumer) => {
      const got = result.consumers.get(consumer.memberId)!;
      return { memberId: consumer.memberId, previousActive: got.active, previousStandby: got.standby };
    });
    return { processId: state.processId, consumers, taskLags: lags };
  });
  return { ...previous, clients };
}

/** Task -> the client running it as active; fails if a task is active twice. */
function activeOwners(result: TaskAssignment): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [processId, assigned] of result.clients) {
    for (const task of assigned.active) {
      expect(owners.has(task), `${task} active on ${owners.get(task)} and ${processId}`).to.equal(false);
      owners.set(task, processId);
    }
  }
  return owners;
}

function moves(before: TaskAssignment, after: TaskAssignment): string[] {
  const was = activeOwners(before);
  return [...activeOwners(after)].filter(([task, owner]) => was.has(task) && was.get(task) !== owner).map(([task]) => task);
}

const consumer = (result: TaskAssignment, memberId: string): ConsumerAssignment => result.consumers.get(memberId)!;
const activeCount = (result: TaskAssignment, processId: string): number => result.clients.get(processId)!.active.length;
const warmupCount = (result: TaskAssignment): number => [...result.clients.values()].reduce((sum, assigned) => sum + assigned.warmup.length, 0);

/** Maps as sorted entry lists, so two results compare by content. */
function serialize(result: TaskAssignment): string {
  const sorted = <V>(map: ReadonlyMap<string, V>): [string, V][] => [...map].sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({ ...result, clients: sorted(result.clients), consumers: sorted(result.consumers) });
}

describe('assignTasks', () => {
  describe('every task', () => {
    it('is assigned as active to exactly one client, and to exactly one consumer of that client', () => {
      const tasks = [...taskIds(7, 0), ...taskIds(5, 1)];
      const result = assignTasks(input([client('A', { threads: 2 }), client('B', { threads: 3 }), client('C')], tasks));
      const owners = activeOwners(result);
      expect([...owners.keys()].sort()).to.deep.equal([...tasks].sort());
      for (const [processId, assigned] of result.clients) {
        const memberIds = [...result.consumers.keys()].filter((id) => id.startsWith(`${processId}-`));
        const onConsumers = memberIds.flatMap((id) => result.consumers.get(id)!.active);
        // Whole tasks: the client's actives are exactly its consumers' actives, none split or repeated.
        expect([...onConsumers].sort()).to.deep.equal([...assigned.active].sort());
      }
    });

    it('ignores previous claims on tasks the topology no longer has', () => {
      const result = assignTasks(input([client('A', { active: ['0_0', '9_9'] }), client('B')], taskIds(2)));
      expect([...activeOwners(result).keys()].sort()).to.deep.equal(['0_0', '0_1']);
      expect(result.consumers.get('A-0')!.active).to.not.include('9_9');
    });

    it('goes to one claimant when two clients claim it: the less lagging, then the lower processId', () => {
      const lagging = assignTasks(
        input([client('A', { active: ['0_0'], lags: { '0_0': 500 } }), client('B', { active: ['0_0'] }), client('C')], taskIds(1), { stateful: true }),
      );
      expect(activeOwners(lagging).get('0_0')).to.equal('B');
      const tied = assignTasks(input([client('B', { active: ['0_0'] }), client('A', { active: ['0_0'] }), client('C')], taskIds(1)));
      expect(activeOwners(tied).get('0_0')).to.equal('A');
    });

    it('lists every client and every consumer, even those with nothing to do', () => {
      const result = assignTasks(input([client('A', { threads: 3 }), client('B', { threads: 2 })], taskIds(2)));
      expect([...result.clients.keys()]).to.have.members(['A', 'B']);
      expect([...result.consumers.keys()]).to.have.members(['A-0', 'A-1', 'A-2', 'B-0', 'B-1']);
      expect([...result.consumers.values()].filter((assigned) => assigned.active.length === 0)).to.have.length(3);
    });

    it('gives empty maps when the group has no clients', () => {
      const result = assignTasks(input([], taskIds(3)));
      expect(result.clients.size).to.equal(0);
      expect(result.consumers.size).to.equal(0);
      expect(result.probingRebalanceNeeded).to.equal(false);
      expect(result.unplacedStandbys).to.equal(0);
    });
  });

  describe('balance', () => {
    it('gives clients with equal threads counts that differ by at most one', () => {
      const result = assignTasks(input([client('A'), client('B'), client('C')], taskIds(10)));
      expect(['A', 'B', 'C'].map((id) => activeCount(result, id))).to.deep.equal([4, 3, 3]);
    });

    it('balances tasks per thread when thread counts differ', () => {
      const result = assignTasks(input([client('A', { threads: 1 }), client('B', { threads: 3 })], taskIds(8)));
      expect(activeCount(result, 'A')).to.equal(2);
      expect(activeCount(result, 'B')).to.equal(6);
    });

    it('rounds where the spread of tasks per thread stays smallest (3 and 2 threads, 4 tasks: 2 each)', () => {
      // 3 + 1 would be as close to the shares (2.4 and 1.6), but 1 and 0.5 per thread spread wider than 0.67 and 1.
      const result = assignTasks(input([client('A', { threads: 3 }), client('B', { threads: 2 })], taskIds(4)));
      expect(activeCount(result, 'A')).to.equal(2);
      expect(activeCount(result, 'B')).to.equal(2);
    });

    it('balances stateful and stateless tasks separately', () => {
      const stateful = taskIds(4, 0);
      const stateless = taskIds(4, 1);
      // A ran every stateful task, B every stateless one; B's state is caught up, so moves are free.
      const lags = Object.fromEntries(stateful.map((task) => [task, 0]));
      const result = assignTasks({
        clients: [client('A', { active: stateful }), client('B', { active: stateless, lags })],
        tasks: [...stateful, ...stateless],
        statefulTasks: new Set(stateful),
        config: defaults,
      });
      for (const id of ['A', 'B']) {
        const active = result.clients.get(id)!.active;
        expect(
          active.filter((task) => stateful.includes(task)),
          `stateful on ${id}`,
        ).to.have.length(2);
        expect(
          active.filter((task) => stateless.includes(task)),
          `stateless on ${id}`,
        ).to.have.length(2);
      }
    });

    it("spreads each sub-topology's tasks over the clients", () => {
      const result = assignTasks(input([client('A'), client('B')], [...taskIds(4, 0), ...taskIds(4, 1)]));
      for (const id of ['A', 'B']) {
        const active = result.clients.get(id)!.active;
        expect(
          active.filter((task) => task.startsWith('0_')),
          `sub-topology 0 on ${id}`,
        ).to.have.length(2);
        expect(
          active.filter((task) => task.startsWith('1_')),
          `sub-topology 1 on ${id}`,
        ).to.have.length(2);
      }
    });
  });

  describe('stickiness', () => {
    it('gives a stable group the same assignment again', () => {
      const tasks = [...taskIds(6, 0), ...taskIds(5, 1)];
      const first = input([client('A', { threads: 2 }), client('B'), client('C', { threads: 3 })], tasks, {
        stateful: true,
        config: { numStandbyReplicas: 1 },
      });
      const round1 = assignTasks(first);
      const round2 = assignTasks(nextRound(first, round1));
      expect(serialize(round2)).to.equal(serialize(round1));
      expect(round2.probingRebalanceNeeded).to.equal(false);
    });

    it('moves exactly as many tasks as balance requires when a client joins (12 tasks, 2 clients + 1: 4 moves)', () => {
      const before = input([client('A', { active: taskIds(12).slice(0, 6) }), client('B', { active: taskIds(12).slice(6) })], taskIds(12));
      const round1 = assignTasks(before);
      const stable = nextRound(before, round1);
      const round2 = assignTasks({ ...stable, clients: [...stable.clients, client('C')] });
      const moved = moves(round1, round2);
      expect(moved).to.have.length(4);
      expect(moved.every((task) => activeOwners(round2).get(task) === 'C')).to.equal(true);
      expect(['A', 'B', 'C'].map((id) => activeCount(round2, id))).to.deep.equal([4, 4, 4]);
    });

    it('moves exactly 4 stateful tasks too when the joining client is caught up on them', () => {
      const tasks = taskIds(12);
      const caughtUp = Object.fromEntries(tasks.map((task) => [task, 0]));
      const round1 = input([client('A', { active: tasks.slice(0, 6) }), client('B', { active: tasks.slice(6) })], tasks, { stateful: true });
      const before = assignTasks(round1);
      const after = assignTasks({ ...round1, clients: [...round1.clients, client('C', { standby: tasks, lags: caughtUp })] });
      expect(moves(before, after)).to.have.length(4);
      expect(activeCount(after, 'C')).to.equal(4);
      expect(after.probingRebalanceNeeded).to.equal(false);
    });

    it('moves only the tasks of a client that leaves', () => {
      const tasks = taskIds(12);
      const before = input([client('A'), client('B'), client('C')], tasks);
      const round1 = assignTasks(before);
      const left = nextRound(before, round1);
      const round2 = assignTasks({ ...left, clients: left.clients.filter((state) => state.processId !== 'C') });
      const moved = moves(round1, round2).sort();
      expect(moved).to.deep.equal([...round1.clients.get('C')!.active].sort());
      expect(activeCount(round2, 'A')).to.equal(6);
      expect(activeCount(round2, 'B')).to.equal(6);
    });

    it('gives up, when a client joins, tasks of the sub-topology a client has most of, so each stays spread', () => {
      const a = ['0_0', '0_1', '0_2', '0_3', '1_4', '1_5'];
      const b = ['1_0', '1_1', '1_2', '1_3', '0_4', '0_5'];
      const result = assignTasks(input([client('A', { active: a }), client('B', { active: b }), client('C')], [...taskIds(6, 0), ...taskIds(6, 1)]));
      for (const id of ['A', 'B', 'C']) {
        const active = result.clients.get(id)!.active;
        expect(
          active.filter((task) => task.startsWith('0_')),
          `sub-topology 0 on ${id}`,
        ).to.have.length(2);
        expect(
          active.filter((task) => task.startsWith('1_')),
          `sub-topology 1 on ${id}`,
        ).to.have.length(2);
      }
    });

    it('keeps the extra task of an uneven split where it already is', () => {
      // 7 tasks over 2 clients: the one that had 4 keeps 4.
      const result = assignTasks(input([client('A', { active: taskIds(7).slice(0, 3) }), client('B', { active: taskIds(7).slice(3) })], taskIds(7)));
      expect(activeCount(result, 'A')).to.equal(3);
      expect(activeCount(result, 'B')).to.equal(4);
      expect(result.clients.get('B')!.active).to.deep.equal(['0_3', '0_4', '0_5', '0_6']);
    });
  });

  describe('lag awareness', () => {
    it('gives a task whose owner left to a client caught up on it', () => {
      // C and D left; A is caught up on 0_3 and B on 0_2 (their standbys), each has room for one.
      const result = assignTasks(
        input(
          [client('A', { active: ['0_0'], standby: ['0_3'], lags: { '0_3': 10 } }), client('B', { active: ['0_1'], standby: ['0_2'], lags: { '0_2': 10 } })],
          taskIds(4),
          { stateful: true },
        ),
      );
      expect(activeOwners(result).get('0_2')).to.equal('B');
      expect(activeOwners(result).get('0_3')).to.equal('A');
      expect(result.probingRebalanceNeeded).to.equal(false);
    });

    it('gives a lost task to the least lagging client when none is caught up', () => {
      const result = assignTasks(input([client('A', { lags: { '0_0': 5000 } }), client('B', { lags: { '0_0': 1000 } })], taskIds(1), { stateful: true }));
      expect(activeOwners(result).get('0_0')).to.equal('B');
      expect(warmupCount(result)).to.equal(0);
    });

    it('keeps a lost task on the caught-up client even past its share, warming it up where balance wanted it', () => {
      // C left with 0_4 and 0_5; only B is caught up on them. Balance would give one to A.
      const result = assignTasks(
        input(
          [client('A', { active: ['0_0', '0_1'] }), client('B', { active: ['0_2', '0_3'], standby: ['0_4', '0_5'], lags: { '0_4': 0, '0_5': 0 } })],
          taskIds(6),
          { stateful: true },
        ),
      );
      expect(result.clients.get('B')!.active).to.include.members(['0_4', '0_5']);
      expect(result.clients.get('A')!.warmup).to.have.length(1);
      expect(result.probingRebalanceNeeded).to.equal(true);
    });

    it('turns a balancing move to a lagging client into a warm-up, the task staying on its caught-up owner', () => {
      const result = assignTasks(input([client('A', { active: taskIds(4) }), client('B')], taskIds(4), { stateful: true }));
      expect(result.clients.get('A')!.active).to.deep.equal(taskIds(4));
      expect(result.clients.get('B')!.active).to.deep.equal([]);
      const warmups = result.clients.get('B')!.warmup;
      expect(warmups).to.have.length(2);
      expect(result.consumers.get('B-0')!.standby).to.have.members(warmups);
      expect(result.clients.get('B')!.standby).to.deep.equal([]);
      expect(result.probingRebalanceNeeded).to.equal(true);
    });

    it('places at most maxWarmupReplicas warm-ups over the whole group', () => {
      const result = assignTasks(
        input([client('A', { active: taskIds(9) }), client('B'), client('C')], taskIds(9), { stateful: true, config: { maxWarmupReplicas: 3 } }),
      );
      expect(activeCount(result, 'A')).to.equal(9);
      expect(warmupCount(result)).to.equal(3);
      expect(result.probingRebalanceNeeded).to.equal(true);
      const one = assignTasks(input([client('A', { active: taskIds(4) }), client('B')], taskIds(4), { stateful: true, config: { maxWarmupReplicas: 1 } }));
      expect(warmupCount(one)).to.equal(1);
    });

    it('spends the warm-up budget on a warm-up already under way rather than starting another', () => {
      const clients = [client('A', { active: taskIds(6) }), client('B', { standby: ['0_5'], lags: { '0_5': 5000 } })];
      const result = assignTasks(input(clients, taskIds(6), { stateful: true, config: { maxWarmupReplicas: 1 } }));
      expect(result.clients.get('B')!.warmup).to.deep.equal(['0_5']);
      expect(activeCount(result, 'A')).to.equal(6);
    });

    it('still asks for a probing rebalance when the budget leaves a move without a warm-up', () => {
      const result = assignTasks(input([client('A', { active: taskIds(4) }), client('B')], taskIds(4), { stateful: true, config: { maxWarmupReplicas: 0 } }));
      expect(warmupCount(result)).to.equal(0);
      expect(activeCount(result, 'A')).to.equal(4);
      expect(result.probingRebalanceNeeded).to.equal(true);
    });

    it('moves a task to its warm-up client once that reports a lag within acceptableRecoveryLag', () => {
      const first = input([client('A', { active: taskIds(4) }), client('B')], taskIds(4), { stateful: true });
      const round1 = assignTasks(first);
      const warmed = round1.clients.get('B')!.warmup;
      const stillBehind = assignTasks(nextRound(first, round1, 5000));
      expect(stillBehind.clients.get('B')!.active).to.deep.equal([]);
      expect(stillBehind.clients.get('B')!.warmup).to.deep.equal(warmed);
      const caughtUp = assignTasks(nextRound(first, round1, 80));
      expect(caughtUp.clients.get('B')!.active).to.deep.equal(warmed);
      expect(caughtUp.clients.get('A')!.active).to.have.length(2);
      expect(warmupCount(caughtUp)).to.equal(0);
      expect(caughtUp.probingRebalanceNeeded).to.equal(false);
    });

    it('moves a task straight to a destination that is already caught up', () => {
      const result = assignTasks(
        input([client('A', { active: taskIds(4) }), client('B', { standby: ['0_2', '0_3'], lags: { '0_2': 3, '0_3': 3 } })], taskIds(4), { stateful: true }),
      );
      expect(result.clients.get('B')!.active).to.deep.equal(['0_2', '0_3']);
      expect(warmupCount(result)).to.equal(0);
      expect(result.probingRebalanceNeeded).to.equal(false);
    });

    it('lets balance decide, without warm-ups, when no client is caught up', () => {
      const result = assignTasks(input([client('A', { lags: { '0_0': 900 } }), client('B')], taskIds(4), { stateful: true }));
      expect(activeCount(result, 'A')).to.equal(2);
      expect(activeCount(result, 'B')).to.equal(2);
      expect(warmupCount(result)).to.equal(0);
      expect(result.probingRebalanceNeeded).to.equal(false);
    });

    it('moves stateless tasks without warm-ups', () => {
      const result = assignTasks(input([client('A', { active: taskIds(4) }), client('B')], taskIds(4)));
      expect(activeCount(result, 'B')).to.equal(2);
      expect(warmupCount(result)).to.equal(0);
      expect(result.probingRebalanceNeeded).to.equal(false);
    });
  });

  describe('standbys', () => {
    it('places numStandbyReplicas standbys per stateful task on distinct clients, never the active one', () => {
      const result = assignTasks(input([client('A'), client('B'), client('C')], taskIds(6), { stateful: true, config: { numStandbyReplicas: 2 } }));
      const owners = activeOwners(result);
      for (const task of taskIds(6)) {
        const holders = [...result.clients].filter(([, assigned]) => assigned.standby.includes(task)).map(([id]) => id);
        expect(holders, task).to.have.length(2);
        expect(holders, task).to.not.include(owners.get(task));
      }
      expect(result.unplacedStandbys).to.equal(0);
    });

    it('places fewer standbys when there are not enough other clients, and counts the rest', () => {
      const result = assignTasks(input([client('A'), client('B')], taskIds(4), { stateful: true, config: { numStandbyReplicas: 2 } }));
      const owners = activeOwners(result);
      for (const task of taskIds(4)) {
        const holders = [...result.clients].filter(([, assigned]) => assigned.standby.includes(task)).map(([id]) => id);
        expect(holders, task).to.deep.equal([owners.get(task) === 'A' ? 'B' : 'A']);
      }
      expect(result.unplacedStandbys).to.equal(4);
    });

    it('gives stateless tasks no standbys', () => {
      const stateful = taskIds(2, 0);
      const result = assignTasks({
        clients: [client('A'), client('B'), client('C')],
        tasks: [...stateful, ...taskIds(3, 1)],
        statefulTasks: new Set(stateful),
        config: { ...defaults, numStandbyReplicas: 2 },
      });
      const standbys = [...result.clients.values()].flatMap((assigned) => assigned.standby);
      expect([...standbys].sort()).to.deep.equal(['0_0', '0_0', '0_1', '0_1']);
    });

    it('keeps standbys on the clients that held them', () => {
      // Left to balance alone, B would take 0_0 and 0_4 and A 0_2, 0_3 and 0_5.
      const clients = [
        client('A', { active: ['0_0', '0_1'], standby: ['0_2', '0_4'] }),
        client('B', { active: ['0_2', '0_3'], standby: ['0_1', '0_5'] }),
        client('C', { active: ['0_4', '0_5'], standby: ['0_0', '0_3'] }),
      ];
      const result = assignTasks(input(clients, taskIds(6), { stateful: true, config: { numStandbyReplicas: 1 } }));
      expect(result.clients.get('A')!.standby).to.deep.equal(['0_2', '0_4']);
      expect(result.clients.get('B')!.standby).to.deep.equal(['0_1', '0_5']);
      expect(result.clients.get('C')!.standby).to.deep.equal(['0_0', '0_3']);
    });

    it('does not let sticky standbys pile up on one client beyond its share of all replicas', () => {
      // C held the standbys of all of A's and B's tasks: 2 actives + 4 standbys, where 4 is its share.
      const clients = [
        client('A', { active: ['0_0', '0_1'], standby: ['0_4', '0_5'] }),
        client('B', { active: ['0_2', '0_3'] }),
        client('C', { active: ['0_4', '0_5'], standby: ['0_0', '0_1', '0_2', '0_3'] }),
      ];
      const result = assignTasks(input(clients, taskIds(6), { stateful: true, config: { numStandbyReplicas: 1 } }));
      expect(['A', 'B', 'C'].map((id) => activeCount(result, id) + result.clients.get(id)!.standby.length)).to.deep.equal([4, 4, 4]);
      // The standbys C keeps are ones it held.
      expect(['0_0', '0_1', '0_2', '0_3']).to.include.members(result.clients.get('C')!.standby);
    });

    it('prefers, among clients that did not hold it, the least lagging one', () => {
      const clients = [client('A', { active: ['0_0'] }), client('B', { active: ['0_1'] }), client('C', { active: ['0_2'], lags: { '0_0': 20 } })];
      const result = assignTasks(input(clients, taskIds(3), { stateful: true, config: { numStandbyReplicas: 1 } }));
      expect(result.clients.get('C')!.standby).to.include('0_0');
      expect(result.clients.get('B')!.standby).to.not.include('0_0');
    });

    it('counts a warm-up as one of the standbys and never doubles it with a standby on the same client', () => {
      const result = assignTasks(input([client('A', { active: taskIds(4) }), client('B')], taskIds(4), { stateful: true, config: { numStandbyReplicas: 1 } }));
      const warmups = result.clients.get('B')!.warmup;
      expect(warmups).to.have.length(2);
      expect(result.clients.get('B')!.standby).to.have.members(taskIds(4).filter((task) => !warmups.includes(task)));
      expect(result.unplacedStandbys).to.equal(0);
    });
  });

  describe('consumers', () => {
    it("spreads a client's actives evenly over its consumers", () => {
      const result = assignTasks(input([client('A', { threads: 3 })], taskIds(7)));
      expect(['A-0', 'A-1', 'A-2'].map((id) => result.consumers.get(id)!.active.length).sort()).to.deep.equal([2, 2, 3]);
    });

    it('keeps each task on the consumer that ran it, moving only what a new thread needs', () => {
      const previous = input([client('A', { threads: 2 })], taskIds(6));
      const round1 = assignTasks(previous);
      const grown = nextRound(previous, round1);
      const withThirdThread = grown.clients.map((state) => ({
        ...state,
        consumers: [...state.consumers, { memberId: 'A-2', previousActive: [], previousStandby: [] }],
      }));
      const round2 = assignTasks({ ...grown, clients: withThirdThread });
      expect(round2.consumers.get('A-2')!.active).to.have.length(2);
      for (const id of ['A-0', 'A-1']) {
        const kept = round2.consumers.get(id)!.active;
        expect(kept).to.have.length(2);
        expect(round1.consumers.get(id)!.active).to.include.members(kept);
      }
    });

    it('spreads standbys over consumers evenly and keeps them where they were', () => {
      // B has 2 threads to A's 1: it takes 4 of the 6 tasks (it is caught up) and standbys for A's 2.
      const tasks = taskIds(6);
      const first = input(
        [client('A', { active: tasks }), client('B', { threads: 2, standby: tasks, lags: Object.fromEntries(tasks.map((task) => [task, 0])) })],
        tasks,
        {
          stateful: true,
          config: { numStandbyReplicas: 1 },
        },
      );
      const round1 = assignTasks(first);
      expect(round1.clients.get('B')!.active).to.have.length(4);
      expect(['B-0', 'B-1'].map((id) => consumer(round1, id).active.length)).to.deep.equal([2, 2]);
      expect(['B-0', 'B-1'].map((id) => consumer(round1, id).standby.length)).to.deep.equal([1, 1]);
      const round2 = assignTasks(nextRound(first, round1));
      expect(consumer(round2, 'B-0')).to.deep.equal(consumer(round1, 'B-0'));
      expect(consumer(round2, 'B-1')).to.deep.equal(consumer(round1, 'B-1'));
    });

    it('keeps a standby on the consumer that kept it, whatever order a fresh spread would pick', () => {
      // Dealt round-robin: B-0 kept 0_1 and B-1 kept 0_0, the reverse of a fresh spread.
      const clients = [
        client('A', { active: ['0_0', '0_1'] }),
        client('B', { threads: 2, active: ['0_2', '0_3', '0_4', '0_5'], standby: ['0_1', '0_0'], lags: { '0_0': 0, '0_1': 0 } }),
      ];
      const result = assignTasks(input(clients, taskIds(6), { stateful: true, config: { numStandbyReplicas: 1 } }));
      expect(consumer(result, 'B-0').standby).to.deep.equal(['0_1']);
      expect(consumer(result, 'B-1').standby).to.deep.equal(['0_0']);
    });

    it('spreads warm-ups over consumers evenly and keeps them where they were while they catch up', () => {
      const first = input([client('A', { active: taskIds(6) }), client('B', { threads: 2 })], taskIds(6), { stateful: true, config: { maxWarmupReplicas: 4 } });
      const round1 = assignTasks(first);
      expect(round1.clients.get('B')!.warmup).to.have.length(4);
      expect(['B-0', 'B-1'].map((id) => consumer(round1, id).standby.length)).to.deep.equal([2, 2]);
      const round2 = assignTasks(nextRound(first, round1));
      expect(consumer(round2, 'B-0').standby).to.deep.equal(consumer(round1, 'B-0').standby);
      expect(consumer(round2, 'B-1').standby).to.deep.equal(consumer(round1, 'B-1').standby);
    });
  });

  describe('on random groups', () => {
    /** mulberry32: a seeded generator, so a failure names an input that can be replayed. */
    function random(seed: number): (below: number) => number {
      let state = seed;
      return (below) => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
      };
    }

    function randomInput(seed: number): AssignmentInput {
      const next = random(seed);
      const tasks = Array.from({ length: 1 + next(3) }, (_, sub) => taskIds(next(8), sub)).flat();
      const pick = (): string[] => [...tasks, '9_9'].filter(() => next(4) === 0);
      const clients = Array.from({ length: 1 + next(5) }, (_, i) => {
        const lags = Object.fromEntries(pick().map((task) => [task, next(3) === 0 ? 0 : next(400)]));
        return client(`p${i}`, { threads: 1 + next(3), active: pick(), standby: pick(), lags });
      });
      const config = { numStandbyReplicas: next(3), acceptableRecoveryLag: 100, maxWarmupReplicas: next(4) };
      return { clients, tasks, statefulTasks: new Set(tasks.filter(() => next(2) === 0)), config };
    }

    it('keep every invariant (300 seeded inputs)', () => {
      for (let seed = 1; seed <= 300; seed++) {
        const given = randomInput(seed);
        const result = assignTasks(given);
        const where = `seed ${seed}`;
        expect([...activeOwners(result).keys()].sort(), where).to.deep.equal([...given.tasks].sort());
        let warmups = 0;
        for (const state of given.clients) {
          const assigned = result.clients.get(state.processId)!;
          warmups += assigned.warmup.length;
          const replicas = [...assigned.standby, ...assigned.warmup];
          expect(
            assigned.active.filter((task) => replicas.includes(task)),
            where,
          ).to.deep.equal([]);
          expect(new Set(replicas).size, where).to.equal(replicas.length);
          expect(
            replicas.every((task) => given.statefulTasks.has(task)),
            where,
          ).to.equal(true);
          const mine = state.consumers.map((c) => consumer(result, c.memberId));
          expect(mine.flatMap((c) => c.active).sort(), where).to.deep.equal([...assigned.active].sort());
          expect(mine.flatMap((c) => c.standby).sort(), where).to.deep.equal([...replicas].sort());
          for (const counts of [mine.map((c) => c.active.length), mine.map((c) => c.standby.length)]) {
            expect(Math.max(...counts) - Math.min(...counts), where).to.be.at.most(1);
          }
        }
        expect(warmups, where).to.be.at.most(given.config.maxWarmupReplicas);
        // Every standby asked for is placed (a warm-up counting as one) or counted as unplaced.
        const wanted = given.config.numStandbyReplicas;
        let placed = 0;
        for (const task of given.statefulTasks) {
          const standbys = [...result.clients.values()].filter((a) => a.standby.includes(task)).length;
          const warm = [...result.clients.values()].filter((a) => a.warmup.includes(task)).length;
          expect(standbys + warm, `${where} ${task}`).to.be.at.most(Math.max(wanted, warm));
          placed += standbys + Math.min(warm, wanted);
        }
        expect(placed + result.unplacedStandbys, where).to.equal(wanted * given.statefulTasks.size);
        // Stateless tasks are never held back, so their counts are always the floor or ceiling of the share.
        const threads = given.clients.reduce((sum, c) => sum + c.consumers.length, 0);
        const stateless = given.tasks.filter((task) => !given.statefulTasks.has(task)).length;
        for (const state of given.clients) {
          const count = result.clients.get(state.processId)!.active.filter((task) => !given.statefulTasks.has(task)).length;
          const share = (stateless * state.consumers.length) / threads;
          expect(count, where).to.be.within(Math.floor(share), Math.ceil(share));
        }
        expect(serialize(assignTasks(given)), where).to.equal(serialize(result));
      }
    });
  });

  describe('determinism', () => {
    it('gives the same assignment for the same input in any order', () => {
      const tasks = [...taskIds(5, 0), ...taskIds(4, 1), ...taskIds(3, 2)];
      const stateful = new Set(tasks.filter((task) => !task.startsWith('2_')));
      const clients = [
        client('A', { threads: 2, active: ['0_0', '0_1', '1_0'], lags: { '0_4': 50 } }),
        client('B', { active: ['0_2', '2_0'], standby: ['0_0'], lags: { '0_0': 5 } }),
        client('C', { threads: 3, standby: ['1_1', '0_3'], lags: { '1_1': 4000, '0_3': 20 } }),
      ];
      const config = { ...defaults, numStandbyReplicas: 1 };
      const reversed = clients.map((state) => ({ ...state, consumers: [...state.consumers].reverse() })).reverse();
      const a = assignTasks({ clients, tasks, statefulTasks: stateful, config });
      const b = assignTasks({ clients: reversed, tasks: [...tasks].reverse(), statefulTasks: new Set([...stateful].reverse()), config });
      expect(serialize(b)).to.equal(serialize(a));
      expect(serialize(assignTasks({ clients, tasks, statefulTasks: stateful, config }))).to.equal(serialize(a));
    });
  });
});
