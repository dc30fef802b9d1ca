import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, type Topology } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

const str = Serdes.String();

function passThrough(input: string, out: string): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, string>(input, { keySerde: str, valueSerde: str }).to(out, { keySerde: str, valueSerde: str });
  return builder.build();
}

/**
 * At-least-once and a planned rebalance: kafkajs' eager protocol revokes every task, so a task's
 * work since its last commit would be processed again by its new owner. The stream thread
 * commits when its heartbeat reports the rebalance, before it joins again.
 */
describe('KafkaStreams at-least-once: an instance joining under load', function () {
  this.timeout(240_000);
  let context: KafkaTestContext;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    context = await KafkaTestContext.create();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await context.close();
  });

  it('adds no duplicates: what was processed before the rebalance is committed before the tasks move', async () => {
    const input = context.name('clicks');
    const out = context.name('copies');
    await context.createTopic(input, 6);
    await context.createTopic(out, 6);
    const applicationId = context.name('rebalance-commit');
    const start = async (): Promise<KafkaStreams> => {
      // The default commit interval (30 s): without a commit on rebalance, everything done
      // since the start would be done again for each task that moves.
      const app = new KafkaStreams(passThrough(input, out), {
        applicationId,
        kafka: { brokers: context.brokers },
        logger: lineLogger('warn', 'rebalance', () => {}),
        kafkaLogLevel: 'nothing',
      });
      apps.push(app);
      await app.start();
      return app;
    };
    await start();
    await start();
    const total = 12_000;
    const producer = await context.producer();
    const send = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 300) {
        await producer.send({
          topic: input,
          acks: -1,
          messages: Array.from({ length: Math.min(300, to - i) }, (_, j) => ({ key: `k${(i + j) % 97}`, value: `v${i + j}` })),
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await send(0, total / 2);
    const third = start();
    await send(total / 2, total);
    await third;
    const first = await context.readTopicUntil(out, (read) => new Set(read.map((r) => r.value!.toString())).size >= total, 120_000);
    // Duplicates may come after the last new record: read again once the instances are idle.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const records = await context.readTopic(out, first.length, 60_000);
    const values = records.map((record) => record.value!.toString());
    const duplicates = values.length - new Set(values).size;
    expect(new Set(values).size, 'every record once at least').to.equal(total);
    expect(duplicates, 'records processed twice').to.equal(0);
  });
});
