import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, TopologyTestDriver, consoleLogger, findMetrics, type Topology } from '../../lib/index.ts';
import type { KafkaStreamsConfig } from '../../lib/runtime/kafka-streams-config.ts';
import { KafkaTestContext, waitFor, type ReadRecord } from '../support/kafka-helpers.ts';

const str = Serdes.String();
const int = Serdes.Int();

/** Topologies whose tasks read two topics: split across instances, they come out wrong. */
const topologies = {
  'stream-table join': (left: string, right: string, out: string): Topology => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>(right, { keySerde: str, valueSerde: str }, { storeName: 'right-store' });
    builder
      .stream<string, string>(left, { keySerde: str, valueSerde: str })
      .join(table, (order, delivery) => `${order}/${delivery}`)
      .to(out, { keySerde: str, valueSerde: str });
    return builder.build();
  },
  'table-table join': (left: string, right: string, out: string): Topology => {
    const builder = new StreamsBuilder();
    const a = builder.table<string, string>(left, { keySerde: str, valueSerde: str }, { storeName: 'left-store' });
    const b = builder.table<string, string>(right, { keySerde: str, valueSerde: str }, { storeName: 'right-store' });
    a.join(b, (x, y) => `${x}/${y}`)
      .toStream()
      .to(out, { keySerde: str, valueSerde: str });
    return builder.build();
  },
  'merge of two topics, counted': (left: string, right: string, out: string): Topology => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(left, { keySerde: str, valueSerde: str })
      .merge(builder.stream<string, string>(right, { keySerde: str, valueSerde: str }))
      .groupByKey({ keySerde: str, valueSerde: str })
      .count({ storeName: 'right-store', cachingEnabled: false })
      .toStream()
      .mapValues((count) => String(count))
      .to(out, { keySerde: str, valueSerde: str });
    return builder.build();
  },
};

/** Clicks counted per key into store `counts`, the counts written to `out` when given. */
function countTopology(input: string, out?: string): Topology {
  const builder = new StreamsBuilder();
  const counts = builder.stream<string, string>(input, { keySerde: str, valueSerde: str }).groupByKey().count({ storeName: 'counts' });
  if (out) counts.toStream().mapValues(String).to(out, { keySerde: str, valueSerde: str });
  return builder.build();
}

/** What the single-instance engine gives for the same input, written right first, then left. */
function singleInstanceOutput(topology: Topology, left: string, right: string, out: string, rights: [string, string][], lefts: [string, string][]): string[] {
  const driver = new TopologyTestDriver(topology);
  const rightIn = driver.createInputTopic(right, str, str);
  for (const [key, value] of rights) rightIn.pipeInput(key, value);
  const leftIn = driver.createInputTopic(left, str, str);
  for (const [key, value] of lefts) leftIn.pipeInput(key, value);
  const outputs = driver.createOutputTopic<string, unknown>(out, str, str).readKeyValuesToList();
  driver.close();
  return outputs.map(({ key, value }) => `${key}=${String(value)}`).sort();
}

describe('KafkaStreams scaled out: instances sharing an application id', function () {
  this.timeout(240_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    await kafka.close();
  });

  function instance(topology: Topology, overrides: Partial<KafkaStreamsConfig> = {}): KafkaStreams {
    const app = new KafkaStreams(topology, {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      statestoreCacheMaxBytes: 0,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000 },
      ...overrides,
    });
    apps.push(app);
    return app;
  }

  /** Waits until every instance is RUNNING and the group's active tasks add up to `tasks`, each once. */
  async function settled(instances: readonly KafkaStreams[], tasks: number): Promise<void> {
    await waitFor(
      () => {
        if (!instances.every((app) => app.state === 'RUNNING')) return false;
        const all = instances.flatMap((app) => app.activeTasks());
        return all.length === tasks && new Set(all).size === tasks;
      },
      60_000,
      () => instances.map((app) => `${app.state} [${app.activeTasks()}]`).join(' / '),
    );
  }

  /**
   * Samples the instances' tasks while the group is settled: a task id active on two of them at
   * once is recorded.
   */
  function watchForDoubleOwners(instances: readonly KafkaStreams[]): { stop: () => string[] } {
    const doubles = new Set<string>();
    const timer = setInterval(() => {
      if (!instances.every((app) => app.state === 'RUNNING')) return;
      const owners = new Map<string, number>();
      for (const app of instances) {
        for (const thread of app.metadataForLocalThreads()) for (const task of thread.activeTasks) owners.set(task.taskId, (owners.get(task.taskId) ?? 0) + 1);
      }
      for (const [task, count] of owners) if (count > 1) doubles.add(task);
    }, 25);
    return {
      stop: () => {
        clearInterval(timer);
        return [...doubles];
      },
    };
  }

  const cases: { kind: keyof typeof topologies; instances: number; partitions: number }[] = [
    { kind: 'stream-table join', instances: 2, partitions: 3 },
    { kind: 'stream-table join', instances: 3, partitions: 4 },
    { kind: 'table-table join', instances: 2, partitions: 3 },
    { kind: 'merge of two topics, counted', instances: 3, partitions: 4 },
  ];
  for (const { kind, instances: count, partitions } of cases) {
    it(`${kind} on ${count} instances x ${partitions} partitions gives exactly the single-instance results`, async () => {
      const left = kafka.name('left');
      const right = kafka.name('right');
      const out = kafka.name(kind.startsWith('merge') ? 'merge-out' : 'out');
      await Promise.all([kafka.createTopic(left, partitions), kafka.createTopic(right, partitions), kafka.createTopic(out, partitions)]);
      const keys = 25 * partitions;
      const rights: [string, string][] = Array.from({ length: keys }, (_, i) => [`k${i}`, `r${i}`]);
      const lefts: [string, string][] = Array.from({ length: 4 * keys }, (_, i) => [`k${i % keys}`, `l${i}`]);
      const expected = singleInstanceOutput(topologies[kind](left, right, out), left, right, out, rights, lefts);

      const group = Array.from({ length: count }, () => instance(topologies[kind](left, right, out)));
      await Promise.all(group.map((app) => app.start()));
      await settled(group, partitions);
      const watch = watchForDoubleOwners(group);
      // Each task reads its partition of both topics: both sides of a key meet in one task.
      for (const app of group) expect(app.activeTasks().every((id) => id.startsWith('0_'))).to.equal(true);

      await kafka.produce(
        right,
        rights.map(([key, value]) => ({ key, value })),
      );
      // The right side is in the stores before the left side comes (records of a task are not yet
      // taken in timestamp order across its partitions).
      await waitFor(
        () => group.reduce((sum, app) => sum + entries(app, 'right-store'), 0) === keys,
        60_000,
        () => `right side in stores: ${group.map((app) => entries(app, 'right-store'))}`,
      );
      await kafka.produce(
        left,
        lefts.map(([key, value]) => ({ key, value })),
      );
      const records = await kafka.readTopic(out, expected.length, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const outputs = (await kafka.readTopic(out, expected.length, 10_000)).map((record) => render(record)).sort();
      expect(records.length).to.be.at.least(expected.length);
      expect(outputs).to.deep.equal(expected);
      expect(watch.stop(), 'tasks active on two instances at once').to.deep.equal([]);
    });
  }

  it('adding a third instance to two moves only the tasks that balance requires', async () => {
    const input = kafka.name('in');
    const out = kafka.name('counts');
    await Promise.all([kafka.createTopic(input, 6), kafka.createTopic(out, 6)]);
    const topology = (): Topology => countTopology(input, out);
    const first = instance(topology());
    const second = instance(topology());
    await Promise.all([first.start(), second.start()]);
    await settled([first, second], 6);
    await kafka.produce(
      input,
      Array.from({ length: 600 }, (_, i) => ({ key: `k${i % 60}`, value: 'x' })),
    );
    await kafka.readTopic(out, 60, 60_000);
    const before = new Map<string, KafkaStreams>();
    for (const app of [first, second]) for (const task of app.activeTasks()) before.set(task, app);
    expect([first.activeTasks().length, second.activeTasks().length]).to.deep.equal([3, 3]);

    const third = instance(topology());
    await third.start();
    await settled([first, second, third], 6);
    const moved = [...before].filter(([task, owner]) => !owner.activeTasks().includes(task)).map(([task]) => task);
    expect([first, second, third].map((app) => app.activeTasks().length)).to.deep.equal([2, 2, 2]);
    expect(moved, `moved ${moved}`).to.have.length(2);
    expect(third.activeTasks().sort()).to.deep.equal(moved.sort());
  });

  for (const processingGuarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`with a standby replica, the survivor of a closed instance restores (almost) nothing and answers for the moved keys (${processingGuarantee})`, async () => {
      const input = kafka.name('in');
      const out = kafka.name('counts');
      await Promise.all([kafka.createTopic(input, 4), kafka.createTopic(out, 4)]);
      const topology = (): Topology => countTopology(input, out);
      const first = instance(topology(), { processingGuarantee, numStandbyReplicas: 1, applicationServer: 'localhost:7101', metricsRecordingLevel: 'DEBUG' });
      const second = instance(topology(), { processingGuarantee, numStandbyReplicas: 1, applicationServer: 'localhost:7102' });
      let restoredOnFirst = 0;
      first.restoration$.subscribe((progress) => {
        if (progress.done) restoredOnFirst += progress.restored;
      });
      await Promise.all([first.start(), second.start()]);
      await settled([first, second], 4);
      // Each instance keeps standbys of the other's tasks, never of its own.
      await waitFor(
        () => first.standbyTasks().length + second.standbyTasks().length === 4,
        30_000,
        () => `standbys ${first.standbyTasks()} / ${second.standbyTasks()}`,
      );
      for (const app of [first, second]) expect(app.standbyTasks().filter((task) => app.activeTasks().includes(task))).to.deep.equal([]);

      const keys = 400;
      await kafka.produce(
        input,
        Array.from({ length: 4 * keys }, (_, i) => ({ key: `k${i % keys}`, value: 'x' })),
      );
      // 0 while a task of the store restores (a rebalance right after start may move one).
      const counted = (app: KafkaStreams, stale: boolean) => {
        try {
          return app
            .store<string, number>('counts', { enableStaleStores: stale })
            .all()
            .filter(({ value }) => value === 4).length;
        } catch {
          return 0;
        }
      };
      await waitFor(
        () => counted(first, false) + counted(second, false) === keys,
        60_000,
        () => `counted ${counted(first, false)} + ${counted(second, false)}`,
      );
      // The standbys catch up from the changelog: the first instance holds every key, stale or not.
      await waitFor(
        () => counted(first, true) === keys,
        30_000,
        () => `first holds ${counted(first, true)} of ${keys} with its standbys`,
      );
      // What its standbys applied, per standby task (update-total, DEBUG).
      const updated = findMetrics(first.metrics(), { group: 'stream-task-metrics', name: 'update-total' });
      expect(updated).to.not.be.empty;
      expect(first.standbyTasks()).to.include.members(updated.map((m) => m.tags['task-id']!));
      expect(updated.reduce((sum, m) => sum + (m.value as number), 0)).to.be.greaterThan(0);
      const movedKeys = second
        .store<string, number>('counts')
        .all()
        .map(({ key }) => key);
      expect(movedKeys.length).to.be.greaterThan(0);
      const owner = first.queryMetadataForKey('counts', movedKeys[0]!);
      expect(owner?.activeHost).to.deep.equal({ host: 'localhost', port: 7102 });
      expect(owner?.standbyHosts).to.deep.equal([{ host: 'localhost', port: 7101 }]);

      restoredOnFirst = 0;
      const closedAt = Date.now();
      await second.close();
      await waitFor(
        () => first.state === 'RUNNING' && first.activeTasks().length === 4,
        30_000,
        () => `survivor has ${first.activeTasks()}`,
      );
      await waitFor(
        () => {
          try {
            return movedKeys.every((key) => first.store<string, number>('counts').get(key) === 4);
          } catch {
            return false;
          }
        },
        30_000,
        () => 'the survivor does not answer for the moved keys',
      );
      const tookOverMs = Date.now() - closedAt;
      console.log(
        `      survivor restored ${restoredOnFirst} changelog records and answered for ${movedKeys.length} moved keys ${tookOverMs} ms after the close`,
      );
      expect(restoredOnFirst).to.be.at.most(10);
    });
  }

  it('two stream threads in one instance split the tasks and give the same totals as one', async () => {
    const input = kafka.name('in');
    const out = kafka.name('counts');
    await Promise.all([kafka.createTopic(input, 4), kafka.createTopic(out, 4)]);
    const app = instance(countTopology(input, out), { numStreamThreads: 2 });
    await app.start();
    await settled([app], 4);
    const threads = app.metadataForLocalThreads();
    expect(threads.map((thread) => thread.activeTasks.length)).to.deep.equal([2, 2]);
    expect(threads.map((thread) => thread.threadState)).to.deep.equal(['RUNNING', 'RUNNING']);
    await kafka.produce(
      input,
      Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 100}`, value: 'x' })),
    );
    const complete = () => {
      try {
        return (
          app
            .store<string, number>('counts')
            .all()
            .filter(({ value }) => value === 20).length === 100
        );
      } catch {
        return false;
      }
    };
    await waitFor(complete, 60_000, () => 'counts incomplete');
    expect(app.store<string, number>('counts').approximateNumEntries()).to.equal(100);
    // Each thread's tasks hold their own keys: the two threads' stores add up to the whole table.
    expect(
      app
        .metadataForLocalThreads()
        .flatMap((thread) => thread.activeTasks.map((task) => task.taskId))
        .sort(),
    ).to.deep.equal(['0_0', '0_1', '0_2', '0_3']);
  });

  it('every instance names the same owner for a key, and the owner has the key in its local store', async () => {
    const input = kafka.name('in');
    await kafka.createTopic(input, 4);
    const topology = (): Topology => countTopology(input);
    const servers = ['localhost:7201', 'localhost:7202', 'localhost:7203'];
    const group = servers.map((applicationServer) => instance(topology(), { applicationServer }));
    await Promise.all(group.map((app) => app.start()));
    await settled(group, 4);
    await kafka.produce(
      input,
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'x' })),
    );
    await waitFor(
      () => group.reduce((sum, app) => sum + entries(app, 'counts'), 0) === 50,
      60_000,
      () => 'counts incomplete',
    );
    await waitFor(
      () => group.every((app) => app.metadataForAllStreamsClients().length === 3),
      30_000,
      () => 'metadata of all three instances',
    );
    for (let i = 0; i < 50; i++) {
      const key = `k${i}`;
      const answers = group.map((app) => app.queryMetadataForKey('counts', key));
      const owner = answers[0]!;
      for (const answer of answers) expect(answer).to.deep.equal(owner);
      const hosting = group[servers.indexOf(`${owner.activeHost.host}:${owner.activeHost.port}`)]!;
      expect(hosting.store<string, number>('counts').get(key), `${key} on its owner`).to.equal(1);
      expect(hosting.activeTasks()).to.include(`0_${owner.partition}`);
    }
    const metadata = group[0]!.streamsMetadataForStore('counts');
    expect(metadata.map((m) => m.hostInfo.port).sort()).to.deep.equal([7201, 7202, 7203]);
    expect(metadata.flatMap((m) => m.topicPartitions.map((tp) => tp.partition)).sort()).to.deep.equal([0, 1, 2, 3]);
  });

  it('warms a lagging instance up before moving tasks to it, and moves them at the probing rebalance', async () => {
    const input = kafka.name('in');
    await kafka.createTopic(input, 2);
    const topology = (): Topology => countTopology(input);
    const settings = { acceptableRecoveryLag: 50, probingRebalanceIntervalMs: 3000 };
    const first = instance(topology(), settings);
    await first.start();
    await settled([first], 2);
    await kafka.produce(
      input,
      Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: 'x' })),
    );
    await waitFor(
      () => entries(first, 'counts') === 2000,
      60_000,
      () => `counted ${entries(first, 'counts')}`,
    );

    // The newcomer has none of the 2000-record changelogs: the task it should get stays where it
    // is, and the newcomer warms it up.
    const second = instance(topology(), settings);
    let restoredOnSecond = 0;
    second.restoration$.subscribe((progress) => {
      if (progress.done) restoredOnSecond += progress.restored;
    });
    await second.start();
    await settled([first, second], 2);
    expect(first.activeTasks()).to.deep.equal(['0_0', '0_1']);
    expect(second.standbyTasks()).to.have.length(1);
    const warming = second.standbyTasks()[0]!;

    // Once warm, the probing rebalance moves it, with next to nothing left to restore.
    await waitFor(
      () => second.activeTasks().length === 1 && first.activeTasks().length === 1,
      30_000,
      () => `${first.activeTasks()} / ${second.activeTasks()}`,
    );
    expect(second.activeTasks()).to.deep.equal([warming]);
    expect(restoredOnSecond).to.be.at.most(50);
    await waitFor(
      () => entries(first, 'counts') + entries(second, 'counts') === 2000,
      30_000,
      () => `${entries(first, 'counts')} + ${entries(second, 'counts')}`,
    );
  });

  it('asks for more standbys than other instances exist: places what it can, and runs', async () => {
    const input = kafka.name('in');
    await kafka.createTopic(input, 2);
    const topology = (): Topology => countTopology(input);
    const first = instance(topology(), { numStandbyReplicas: 3 });
    const second = instance(topology(), { numStandbyReplicas: 3 });
    await Promise.all([first.start(), second.start()]);
    await settled([first, second], 2);
    await waitFor(
      () => first.standbyTasks().length + second.standbyTasks().length === 2,
      30_000,
      () => `standbys ${first.standbyTasks()} / ${second.standbyTasks()}`,
    );
  });
});

/** Entries of the store on this instance; 0 while it has none ready to read. */
function entries(app: KafkaStreams, store: string): number {
  try {
    return app.store(store).approximateNumEntries();
  } catch {
    return 0;
  }
}

function render(record: ReadRecord): string {
  return `${str.deserialize('', record.key)}=${str.deserialize('', record.value)}`;
}
