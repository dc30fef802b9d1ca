import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, consoleLogger } from '../../lib/index.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

const int = Serdes.Int();

describe('KafkaStreams instances sharing an application id', function () {
  this.timeout(180_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    await kafka.close();
  });

  function instance(input: string, output: string): KafkaStreams {
    const builder = new StreamsBuilder();
    builder.stream<string, number>(input, { keySerde: Serdes.String(), valueSerde: int }).to(output, { keySerde: Serdes.String(), valueSerde: int });
    const app = new KafkaStreams(builder.build(), {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000 },
    });
    apps.push(app);
    return app;
  }

  it('split the partitions, and the survivor takes over when one closes mid-stream, losing nothing', async () => {
    const input = kafka.name('in');
    const output = kafka.name('out');
    await kafka.createTopic(input, 4);
    await kafka.createTopic(output, 4);
    const total = 4000;
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 50}`, value: int.serialize(input, from + i), partition: (from + i) % 4 }));

    const first = instance(input, output);
    const second = instance(input, output);
    await Promise.all([first.start(), second.start()]);
    await waitFor(
      () => first.activeTasks().length + second.activeTasks().length === 4 && first.activeTasks().length > 0 && second.activeTasks().length > 0,
      60_000,
      () => `tasks ${first.activeTasks()} / ${second.activeTasks()}`,
    );
    expect([...first.activeTasks(), ...second.activeTasks()].sort()).to.deep.equal(['0_0', '0_1', '0_2', '0_3']);

    // Records keep arriving in chunks while the second instance closes.
    const producing = (async () => {
      for (let from = 0; from < total; from += total / 20) {
        await kafka.produce(input, batch(from, from + total / 20));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await kafka.readTopic(output, total / 4);
    await second.close();
    await producing;

    await waitFor(
      () => first.activeTasks().length === 4,
      60_000,
      () => `survivor has ${first.activeTasks()}`,
    );
    const records = await kafka.readTopic(output, total, 90_000);
    const seen = new Map<number, number>();
    for (const record of records) {
      const value = int.deserialize(output, record.value);
      seen.set(value, (seen.get(value) ?? 0) + 1);
    }
    const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !seen.has(i));
    const duplicates = [...seen.values()].filter((count) => count > 1).length;
    console.log(`      ${records.length} records out for ${total} in, ${duplicates} processed twice (at-least-once)`);
    expect(missing).to.deep.equal([]);
  });
});
