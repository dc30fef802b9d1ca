import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, type KafkaStreamsConfig } from '../../lib/index.ts';
import { ChildApp } from '../support/child-app.ts';
import { KafkaTestContext, recordingLogger, waitFor } from '../support/kafka-helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/click-count-app.ts', import.meta.url));

/** The click counter in a child process: its tasks and store as it last printed them. */
class ClickCountProcess extends ChildApp {
  state = 'CREATED';
  tasks: string[] = [];
  store: Record<string, number> | null = null;
  restored = 0;

  constructor(env: Record<string, string>) {
    super(fixture, env);
  }

  /** The sum of its counts; -1 while its store cannot be queried. */
  get total(): number {
    return this.store === null ? -1 : Object.values(this.store).reduce((sum, value) => sum + value, 0);
  }

  protected onLine(line: string): void {
    if (line.startsWith('STATE '))
      ({
        state: this.state,
        tasks: this.tasks,
        store: this.store,
      } = JSON.parse(line.slice(6)) as { state: string; tasks: string[]; store: Record<string, number> | null });
    if (line.startsWith('RESTORED ')) this.restored += (JSON.parse(line.slice(9)) as { restored: number }).restored;
  }
}

describe('State moving between instances', function () {
  this.timeout(180_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];
  const children: ClickCountProcess[] = [];
  /** Each instance's last log lines (kafkajs' included), printed when a wait times out. */
  const logs: (() => string)[] = [];
  const logTails = (): string => logs.map((tail, i) => `\n--- instance ${i + 1} ---\n${tail()}`).join('');

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.allSettled([...apps.splice(0).map((app) => app.close()), ...children.splice(0).map((child) => child.kill())]);
    logs.splice(0);
    await kafka.close();
  });

  /** The sum of an instance's counts; -1 while its store cannot be queried. */
  function counted(app: KafkaStreams): number {
    try {
      return app
        .store<string, number>('counts')
        .all()
        .reduce((sum, entry) => sum + entry.value, 0);
    } catch {
      return -1;
    }
  }

  function instance(input: string, guarantee: KafkaStreamsConfig['processingGuarantee'], commitIntervalMs = 100, clientId?: string): KafkaStreams {
    const builder = new StreamsBuilder();
    builder.stream<string, string>(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() }).groupByKey().count({ storeName: 'counts' });
    const { logger, tail } = recordingLogger(`instance-${logs.length + 1}`);
    logs.push(tail);
    const app = new KafkaStreams(builder.build(), {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers, ...(clientId === undefined ? {} : { clientId }) },
      processingGuarantee: guarantee,
      commitIntervalMs,
      logger,
      kafkaLogLevel: 'info',
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000 },
    });
    apps.push(app);
    return app;
  }

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`restores the moved tasks from the changelog on the survivor, and the table is right (${guarantee})`, async () => {
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 4);
      const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const expected = new Map<string, number>();
      const messages = Array.from({ length: 4000 }, (_, i) => {
        const key = keys[(i * 7) % keys.length]!;
        expected.set(key, (expected.get(key) ?? 0) + 1);
        return { key, value: `click-${i}` };
      });
      const first = instance(input, guarantee);
      const second = instance(input, guarantee);
      await Promise.all([first.start(), second.start()]);
      await waitFor(
        () => first.activeTasks().length === 2 && second.activeTasks().length === 2,
        60_000,
        () => `${first.activeTasks()} / ${second.activeTasks()}${logTails()}`,
      );

      await kafka.produce(input, messages.slice(0, 2000));
      await waitFor(
        () => counted(first) + counted(second) === 2000,
        60_000,
        () => `counted ${counted(first)} + ${counted(second)}`,
      );

      const restored: number[] = [];
      first.restoration$.subscribe((progress) => restored.push(progress.restored));
      const moved = second.activeTasks();
      await second.close();
      await kafka.produce(input, messages.slice(2000));

      await waitFor(
        () => first.activeTasks().length === 4,
        60_000,
        () => `survivor has ${first.activeTasks()}${logTails()}`,
      );
      await waitFor(
        () => counted(first) === 4000,
        60_000,
        () => `survivor counted ${counted(first)} of 4000`,
      );
      const table = new Map(
        first
          .store<string, number>('counts')
          .all()
          .map((entry) => [entry.key, entry.value]),
      );
      expect(table).to.deep.equal(expected);
      expect(moved).to.have.length(2);
      expect(Math.max(0, ...restored), 'records restored from the changelog').to.be.greaterThan(0);
    });
  }

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`does not count again the records a task kept through a rebalance had processed since its last commit (${guarantee})`, async () => {
      // kafkajs' eager rebalancing revokes every partition and fetches again from the committed
      // offsets. With no commit yet, the survivor is handed its own two partitions from offset 0.
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 4);
      const messages = Array.from({ length: 2000 }, (_, i) => ({ key: `user-${i % 40}`, value: `click-${i}` }));
      const first = instance(input, guarantee, 600_000);
      const second = instance(input, guarantee, 600_000);
      await Promise.all([first.start(), second.start()]);
      await waitFor(
        () => first.activeTasks().length === 2 && second.activeTasks().length === 2,
        60_000,
        () => `${first.activeTasks()} / ${second.activeTasks()}${logTails()}`,
      );
      const kept = first.activeTasks();
      await kafka.produce(input, messages.slice(0, 1000));
      await waitFor(
        () => counted(first) + counted(second) === 1000,
        60_000,
        () => `counted ${counted(first)} + ${counted(second)}`,
      );

      await second.close();
      await waitFor(
        () => first.activeTasks().length === 4,
        60_000,
        () => `survivor has ${first.activeTasks()}${logTails()}`,
      );
      expect(first.activeTasks()).to.include.members(kept);
      await kafka.produce(input, messages.slice(1000));
      await waitFor(
        () => counted(first) >= 2000,
        60_000,
        () => `survivor counted ${counted(first)} of 2000`,
      );
      // The partitions come back from offset 0 as soon as the group has settled; give any record
      // counted twice the time to show.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(counted(first)).to.equal(2000);
      for (const entry of first.store<string, number>('counts').all()) expect(entry.value, entry.key).to.equal(50);
    });
  }

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`closes the tasks of an instance dropped from the group while it stood still, and restores those it gets back (${guarantee})`, async () => {
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 4);
      const messages = Array.from({ length: 3000 }, (_, i) => ({ key: `user-${i % 40}`, value: `click-${i}` }));
      // The client ids order the members, so the stalled one gets the same tasks when it is back.
      const stalled = new ClickCountProcess({
        BROKERS: kafka.brokers.join(','),
        APP_ID: kafka.name('app'),
        CLICKS: input,
        CLIENT_ID: 'a-stalled',
        GUARANTEE: guarantee,
      });
      children.push(stalled);
      const other = instance(input, guarantee, 100, 'b-other');
      await other.start();
      const split = (): boolean => stalled.tasks.length === 2 && other.activeTasks().length === 2;
      await waitFor(split, 60_000, () => `${stalled.tasks} / ${other.activeTasks()}${logTails()}`);
      const stalledTasks = stalled.tasks;
      await kafka.produce(input, messages.slice(0, 1000));
      await waitFor(
        () => stalled.total + counted(other) === 1000,
        60_000,
        () => `counted ${stalled.total} + ${counted(other)}`,
      );
      // Its last commit lands before it stops.
      await new Promise((resolve) => setTimeout(resolve, 500));

      // Stopped past its session timeout, it is dropped; the other takes its tasks over and goes on.
      stalled.pause();
      try {
        await kafka.produce(input, messages.slice(1000, 2000));
        await waitFor(
          () => other.activeTasks().length === 4 && counted(other) === 2000,
          60_000,
          () => `the other has ${other.activeTasks()}, counted ${counted(other)} of 2000${logTails()}`,
        );
      } finally {
        stalled.resume();
      }
      await waitFor(split, 60_000, () => `${stalled.tasks} / ${other.activeTasks()}${logTails()}`);
      expect(stalled.tasks).to.have.members(stalledTasks);
      await kafka.produce(input, messages.slice(2000));
      // Had it kept its tasks, their counts would lack what the other counted meanwhile.
      await waitFor(
        () => stalled.total + counted(other) === 3000,
        60_000,
        () => `counted ${stalled.total} + ${counted(other)} of 3000`,
      );
      const table = {
        ...stalled.store,
        ...Object.fromEntries(
          other
            .store<string, number>('counts')
            .all()
            .map((entry) => [entry.key, entry.value]),
        ),
      };
      expect(table).to.deep.equal(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`user-${i}`, 75])));
      expect(stalled.restored, 'records the stalled instance restored').to.be.greaterThan(0);
    });
  }

  it('goes on after its transactions were fenced while it stood still with work to commit (exactly_once_v2)', async () => {
    const input = kafka.name('clicks');
    await kafka.createTopic(input, 4);
    const env = {
      BROKERS: kafka.brokers.join(','),
      APP_ID: kafka.name('app'),
      CLICKS: input,
      CLIENT_ID: 'a-stalled',
      GUARANTEE: 'exactly_once_v2',
      COMMIT_INTERVAL_MS: '2000',
    };
    const stalled = new ClickCountProcess(env);
    children.push(stalled);
    const other = instance(input, 'exactly_once_v2', 100, 'b-other');
    await other.start();
    const split = (): boolean => stalled.tasks.length === 2 && other.activeTasks().length === 2;
    await waitFor(split, 60_000, () => `${stalled.tasks} / ${other.activeTasks()}${logTails()}`);
    // Clicks keep coming (one per user per round), so the stalled instance stops with an
    // uncommitted transaction's worth of work. Its commit is due the moment it resumes, and the
    // producers of its tasks have been fenced by the other instance meanwhile.
    let rounds = 0;
    let clicking = true;
    const producing = (async () => {
      while (clicking) {
        const round = rounds++;
        await kafka.produce(
          input,
          Array.from({ length: 40 }, (_, i) => ({ key: `user-${i}`, value: `click-${round}-${i}` })),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await waitFor(
        () => stalled.total > 400,
        60_000,
        () => `the stalled instance counted ${stalled.total}`,
      );
      stalled.pause();
      try {
        await waitFor(
          () => other.activeTasks().length === 4,
          60_000,
          () => `the other has ${other.activeTasks()}${logTails()}`,
        );
      } finally {
        stalled.resume();
      }
      await waitFor(split, 60_000, () => `${stalled.state}: ${stalled.tasks} / ${other.activeTasks()}${logTails()}`);
    } finally {
      clicking = false;
      await producing;
    }
    await waitFor(
      () => stalled.total + counted(other) === rounds * 40,
      60_000,
      () => `counted ${stalled.total} + ${counted(other)} of ${rounds * 40}`,
    );
    const table = {
      ...stalled.store,
      ...Object.fromEntries(
        other
          .store<string, number>('counts')
          .all()
          .map((entry) => [entry.key, entry.value]),
      ),
    };
    expect(table).to.deep.equal(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`user-${i}`, rounds])));
    expect(stalled.state).to.equal('RUNNING');
  });

  it('drops a task fenced while it is still in the group, joins again and goes on with it (exactly_once_v2)', async () => {
    const input = kafka.name('clicks');
    await kafka.createTopic(input, 2);
    const app = instance(input, 'exactly_once_v2');
    await app.start();
    await waitFor(
      () => app.activeTasks().length === 2,
      60_000,
      () => `${app.activeTasks()}${logTails()}`,
    );
    const clicks = (round: number) => Array.from({ length: 40 }, (_, i) => ({ key: `user-${i}`, value: `click-${round}-${i}`, partition: i % 2 }));
    await kafka.produce(input, clicks(0));
    await waitFor(
      () => counted(app) === 40,
      60_000,
      () => `counted ${counted(app)} of 40`,
    );

    // A producer with task 0_0's transactional id fences the task's own, as a new owner would
    // (or a transaction the broker timed out). The instance is still in the group, alone: only
    // its own rejoin makes it rebalance.
    const states: string[] = [];
    app.state$.subscribe((state) => states.push(state));
    const intruder = kafka.kafka.producer({ transactionalId: `${kafka.name('app')}-0_0`, idempotent: true, maxInFlightRequests: 1 });
    await intruder.connect();
    await (await intruder.transaction()).abort();
    await intruder.disconnect();
    // In one go: the batch whose commit finds the task fenced may be the last one for a while.
    await kafka.produce(input, [1, 2, 3].flatMap(clicks));

    // The task finds out at its next commit (the one in flight, or the one of the new clicks).
    await waitFor(
      () => states.includes('REBALANCING') && app.state === 'RUNNING' && counted(app) === 160,
      60_000,
      () => `${states.join(' -> ')}, counted ${counted(app)} of 160${logTails()}`,
    );
    expect(app.activeTasks()).to.have.members(['0_0', '0_1']);
    for (const entry of app.store<string, number>('counts').all()) expect(entry.value, entry.key).to.equal(4);
  });

  it('says a store is not hosted here, or unknown, through interactive queries', async () => {
    const input = kafka.name('clicks');
    await kafka.createTopic(input, 1);
    const app = instance(input, 'at_least_once');
    expect(() => app.store('nope')).to.throw(/No state store named nope; the topology has \[counts\]/);
    expect(() => app.store('counts').get('x')).to.throw(/Store counts is not hosted on this instance/);
    await app.start();
    await waitFor(
      () => {
        try {
          app.store('counts').get('x');
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      () => 'store counts queryable',
    );
    expect(app.store<string, number>('counts').get('x')).to.equal(undefined);
  });
});
