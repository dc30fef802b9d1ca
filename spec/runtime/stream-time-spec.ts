import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, TimeWindows, consoleLogger, metricSum } from '../../lib/index.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe('Stream time across restarts', function () {
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

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`goes on from the committed stream time, so a closed window stays closed (${guarantee})`, async () => {
      const input = kafka.name('clicks');
      const output = kafka.name('counts');
      await kafka.createTopic(input);
      await kafka.createTopic(output);
      const start = (): KafkaStreams => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, string>(input, { keySerde: Serdes.String(), valueSerde: Serdes.String(), timestampExtractor: (record) => Number(record.value) })
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
          .count()
          .toStream()
          .map((key, count) => ({ key: `${key.key}@${key.window.start}`, value: count }))
          .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
        const app = new KafkaStreams(builder.build(), {
          applicationId: kafka.name('app'),
          kafka: { brokers: kafka.brokers },
          processingGuarantee: guarantee,
          commitIntervalMs: 100,
          logger: consoleLogger('nothing'),
          kafkaLogLevel: 'nothing',
        });
        apps.push(app);
        return app;
      };
      const first = start();
      await first.start();
      await kafka.produce(input, [
        { key: 'k', value: '100000' },
        { key: 'k', value: '200000' },
      ]);
      await kafka.readTopicUntil(output, (records) => records.length >= 2, 30_000, 'read_committed');
      await first.close();

      const second = start();
      await second.start();
      await kafka.produce(input, [
        { key: 'k', value: '105000' },
        { key: 'k', value: '201000' },
      ]);
      const records = await kafka.readTopicUntil(
        output,
        (r) => r.some((x) => x.key?.toString() === 'k@200000' && Serdes.Int().deserialize(output, x.value) === 2),
        30_000,
        'read_committed',
      );
      const dropped = (): number => metricSum(second.metrics(), { group: 'stream-task-metrics', name: 'dropped-records-total' });
      await waitFor(
        () => dropped() === 1,
        10_000,
        () => `dropped ${dropped()}`,
      );
      expect(records.map((r) => `${r.key}=${Serdes.Int().deserialize(output, r.value)}`)).to.deep.equal(['k@100000=1', 'k@200000=1', 'k@200000=2']);
    });
  }
});
