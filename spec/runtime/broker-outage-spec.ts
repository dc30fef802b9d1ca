import { expect } from 'chai';
import { KafkaStreams, Serdes, Topology, type ProcessorContext } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';
import { OwnedBroker } from '../support/owned-broker.ts';
import { SHOP_ITEMS, latestTotals, shopOrders } from './fixtures/shop-process.ts';
import { shopTopology, storeTotals } from './fixtures/shop-topology.ts';

const sum = (totals: Record<string, number> | undefined): number => Object.values(totals ?? {}).reduce((a, b) => a + b, 0);

describe("KafkaStreams through broker outages (on a broker of the spec's own, stopped and started)", function () {
  this.timeout(600_000);
  const broker = new OwnedBroker('outage', 9192);
  let context: KafkaTestContext;
  let app: KafkaStreams | undefined;
  const logs: string[] = [];
  const logger = lineLogger('info', 'outage', (line) => logs.push(line));

  before(async () => {
    await broker.acquire();
  });

  after(async () => {
    await broker.release();
  });

  beforeEach(async () => {
    logs.length = 0;
    context = await KafkaTestContext.create(broker.brokers);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(logs.slice(-60).join('\n'));
    // The broker is running again for the next spec even when this one failed mid-outage.
    await broker.start();
    await app?.close();
    app = undefined;
    await context.close();
  });

  /** Stops the broker for `ms`, then starts it again; resolves when it accepts connections again. */
  async function outage(ms: number): Promise<void> {
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await broker.start();
  }

  /** `waitFor`, but failing at once, with the instance's error, when it has gone to ERROR. */
  async function waitRunning(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    await waitFor(
      () => {
        if (app?.state === 'ERROR') throw new Error(`The instance went to ERROR while waiting for ${describe()}`);
        return condition();
      },
      timeoutMs,
      describe,
    );
  }

  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
    const exactly = guarantee === 'exactly_once_v2';
    it(`${guarantee}: three 10 s outages mid-stream; the instance resumes by itself each time and ${exactly ? 'the totals are exact' : 'no order is lost'}`, async () => {
      const orders = context.name('orders');
      const totals = context.name('totals');
      await context.createTopic(orders, 3);
      await context.createTopic(totals, 3);
      app = new KafkaStreams(shopTopology(orders, totals), {
        applicationId: context.name('outage-shop'),
        kafka: { brokers: broker.brokers },
        processingGuarantee: guarantee,
        commitIntervalMs: 100,
        logger,
        kafkaLogLevel: 'nothing',
      });
      const states: string[] = [];
      app.state$.subscribe((state) => states.push(state));
      await app.start();
      const rounds = 3;
      const perRound = 1500;
      const all = shopOrders(perRound * (rounds + 1));
      // Per outage: from the broker accepting connections again to the instance processing
      // orders it had not processed before the outage.
      const recoveries: number[] = [];
      for (let round = 0; round <= rounds; round++) {
        const before = sum(storeTotals(app));
        const backAt = Date.now();
        await context.produce(orders, all.messages.slice(round * perRound, (round + 1) * perRound));
        if (round > 0) {
          await waitRunning(
            () => sum(storeTotals(app!)) > before,
            120_000,
            () => `round ${round}: processing to go on after outage ${round}`,
          );
          recoveries.push(Date.now() - backAt);
        }
        if (round === rounds) break;
        // Mid-stream: the broker goes away while this round's orders are being processed.
        await waitRunning(
          () => sum(storeTotals(app!)) > before,
          60_000,
          () => `round ${round}: processing to begin`,
        );
        await outage(10_000);
      }
      const sorted = [...recoveries].sort((a, b) => a - b);
      console.log(
        `      ${guarantee}: processing went on ${recoveries.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after the broker was back (median ${(sorted[1]! / 1000).toFixed(1)} s)`,
      );
      const expected = all.expected;
      const reached = (latest: Record<string, number> | undefined): boolean => SHOP_ITEMS.every((item) => (latest?.[item] ?? 0) >= expected[item]!);
      await waitRunning(
        () => reached(storeTotals(app!)),
        120_000,
        () => `the store to reach the totals (${app!.state}): ${JSON.stringify(storeTotals(app!))} of ${JSON.stringify(expected)}`,
      );
      expect(app.state).to.equal('RUNNING');
      expect(states).to.not.include('ERROR');
      const output = await context.readTopicUntil(totals, (records) => reached(latestTotals(records, totals)), 60_000, 'read_committed');
      if (exactly) {
        expect(storeTotals(app)).to.deep.equal(expected);
        expect(latestTotals(output, totals)).to.deep.equal(expected);
      }
      // Each outage was noticed and got through: tasks were started again, not left behind.
      expect(
        logs.some((line) => /dropped from the group|Starting task .* again|trying again|consumer crashed/.test(line)),
        'the log says what the instance did',
      ).to.equal(true);
    });
  }

  it('an outage longer than taskTimeoutMs ends in ERROR, with an error that says what the task waited for', async () => {
    const input = context.name('ticks-in');
    const ticks = context.name('ticks');
    await context.createTopic(input, 1);
    await context.createTopic(ticks, 1);
    // A wall-clock punctuator gives the task outputs to send at every commit, outage or not.
    const topology = new Topology()
      .addSource('in', input, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addProcessor<string, string, string, number>(
        'ticker',
        () => {
          let processorContext: ProcessorContext<string, number>;
          return {
            init: (ctx) => {
              processorContext = ctx;
              ctx.schedule(50, 'wall-clock', (at) => processorContext.forward({ key: 'tick', value: at % 1000, timestamp: at, headers: {} }));
            },
            process: () => {},
          };
        },
        'in',
      )
      .addSink('out', ticks, { keySerde: Serdes.String(), valueSerde: Serdes.Int() }, 'ticker');
    app = new KafkaStreams(topology, {
      applicationId: context.name('outage-timeout'),
      kafka: { brokers: broker.brokers, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } },
      commitIntervalMs: 200,
      taskTimeoutMs: 6000,
      taskStallTimeoutMs: 2000,
      logger,
      kafkaLogLevel: 'nothing',
    });
    await app.start();
    await context.readTopic(ticks, 3, 30_000);
    let error: Error | undefined;
    app.state$.subscribe((state) => {
      if (state === 'ERROR') error = app!.error;
    });
    await broker.stop();
    try {
      await waitFor(
        () => app!.state === 'ERROR',
        90_000,
        () => `ERROR, not ${app!.state}`,
      );
    } finally {
      await broker.start();
    }
    expect(error?.message).to.match(/Task 0_0 could not .* for \d+ ms, longer than taskTimeoutMs \(6000\)/);
    expect(error?.message, 'names what failed').to.match(/ECONNREFUSED|Connection|broker/i);
  });
});
