import { expect } from 'chai';
import Keyv from 'keyv';
import { KafkaStreams, Serdes, StreamsBuilder, consoleLogger, type Topology } from '../../lib/index.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe('Store logging and persistence options', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    await kafka.close();
  });

  function app(topology: Topology, stores?: Record<string, () => Keyv>): KafkaStreams {
    const created = new KafkaStreams(topology, {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      stores,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
    });
    apps.push(created);
    return created;
  }

  async function queryable<T>(read: () => T): Promise<T> {
    let value: T | undefined;
    await waitFor(
      () => {
        try {
          value = read();
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      () => 'the store to be queryable',
    );
    return value as T;
  }

  async function topics(): Promise<string[]> {
    const admin = await kafka.admin();
    return admin.listTopics();
  }

  it("with optimization 'all', restores a table from its source topic and writes no changelog", async () => {
    const prices = kafka.name('prices');
    await kafka.createTopic(prices, 2);
    await kafka.produce(prices, [
      { key: 'apple', value: '3', partition: 0 },
      { key: 'pear', value: '4', partition: 1 },
      { key: 'apple', value: '5', partition: 0 },
    ]);
    const topology = (): Topology => {
      const builder = new StreamsBuilder();
      builder.table(prices, { keySerde: Serdes.String(), valueSerde: Serdes.String() }, { storeName: 'prices' });
      return builder.build({ optimization: 'all' });
    };
    const first = app(topology());
    await first.start();
    await waitFor(
      () => queryableCount(first) === 2,
      30_000,
      () => 'two prices',
    );
    await first.close();

    const second = app(topology());
    const restored: number[] = [];
    second.restoration$.subscribe((progress) => restored.push(progress.restored));
    await second.start();
    const store = await queryable(() => second.store<string, string>('prices').all());
    expect(store).to.deep.equal([
      { key: 'apple', value: '5' },
      { key: 'pear', value: '4' },
    ]);
    expect(restored.reduce((a, b) => Math.max(a, b), 0)).to.be.greaterThan(0);
    expect((await topics()).filter((topic) => topic.startsWith(kafka.name('app')) && topic.endsWith('-changelog'))).to.deep.equal([]);
  });

  it('with logging disabled, writes no changelog and keeps the store in its Keyv backend only', async () => {
    const clicks = kafka.name('clicks');
    await kafka.createTopic(clicks, 1);
    await kafka.produce(
      clicks,
      ['a', 'b', 'a'].map((key) => ({ key, value: 'x' })),
    );
    const shared = new Map();
    const topology = (): Topology => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>(clicks, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .groupByKey()
        .count({ storeName: 'clicks', loggingEnabled: false });
      return builder.build();
    };
    const first = app(topology(), { default: () => new Keyv({ store: shared }) });
    await first.start();
    await waitFor(
      () => queryableCount(first, 'clicks') === 2,
      30_000,
      () => 'two keys',
    );
    await first.close();
    expect((await topics()).some((topic) => topic.endsWith('clicks-changelog'))).to.equal(false);

    await kafka.produce(clicks, [{ key: 'b', value: 'x' }]);
    const second = app(topology(), { default: () => new Keyv({ store: shared }) });
    await second.start();
    await waitFor(
      () => queryableValue(second, 'clicks', 'b') === 2,
      30_000,
      () => 'b counted twice',
    );
    expect(second.store<string, number>('clicks').get('a')).to.equal(2);
  });
});

function queryableCount(app: KafkaStreams, store = 'prices'): number {
  try {
    return app.store(store).approximateNumEntries();
  } catch {
    return -1;
  }
}

function queryableValue(app: KafkaStreams, store: string, key: string): unknown {
  try {
    return app.store(store).get(key);
  } catch {
    return undefined;
  }
}
