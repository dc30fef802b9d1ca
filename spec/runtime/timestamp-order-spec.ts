import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { KafkaTestContext } from '../support/kafka-helpers.ts';

const str = Serdes.String();

/**
 * A task that reads several partitions processes their records in timestamp order (Kafka
 * Streams' PartitionGroup), whatever order the consumer fetches them in.
 */
describe('KafkaStreams: a task processes the records of its partitions in timestamp order', function () {
  this.timeout(180_000);
  let context: KafkaTestContext;
  let app: KafkaStreams | undefined;
  const logger = lineLogger('warn', 'order', (line) => console.log(line));

  beforeEach(async () => {
    context = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await context.close();
  });

  it('joins every order with the older delivery status that was written after it (the stream declared first)', async () => {
    const orders = context.name('orders');
    const statuses = context.name('statuses');
    const out = context.name('enriched');
    for (const topic of [orders, statuses, out]) await context.createTopic(topic, 2);
    const T = 1_700_000_000_000;
    const count = 20_000;
    const customers = 100;
    // The orders first, stamped later than the statuses they must meet; then the statuses.
    await context.produce(
      orders,
      Array.from({ length: count }, (_, i) => ({ key: `c${i % customers}`, value: `o${i}`, timestamp: String(T + 10_000 + i) })),
    );
    await context.produce(
      statuses,
      Array.from({ length: customers }, (_, c) => ({ key: `c${c}`, value: 'gold', timestamp: String(T) })),
    );
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>(orders, { keySerde: str, valueSerde: str });
    const table = builder.table<string, string>(statuses, { keySerde: str, valueSerde: str });
    stream.join(table, (order, status) => `${order}/${status}`).to(out, { keySerde: str, valueSerde: str });
    app = new KafkaStreams(builder.build(), {
      applicationId: context.name('order-join'),
      kafka: { brokers: context.brokers },
      logger,
      kafkaLogLevel: 'nothing',
    });
    await app.start();
    const joined = await context.readTopic(out, count, 90_000);
    expect(joined).to.have.length(count);
    expect(new Set(joined.map((record) => record.value!.toString())).size, 'each order once').to.equal(count);
    expect(joined.every((record) => record.value!.toString().endsWith('/gold'))).to.equal(true);
  });

  it('merges two partitions stamped interleaved into one stream in timestamp order', async () => {
    const evens = context.name('evens');
    const odds = context.name('odds');
    const out = context.name('merged');
    for (const topic of [evens, odds, out]) await context.createTopic(topic, 1);
    const T = 1_700_000_000_000;
    const n = 3000;
    // All of one topic written before the other: fetched in that order, they must not come out so.
    await context.produce(
      evens,
      Array.from({ length: n }, (_, i) => ({ key: 'k', value: `e${i}`, timestamp: String(T + 2 * i) })),
    );
    await context.produce(
      odds,
      Array.from({ length: n }, (_, i) => ({ key: 'k', value: `o${i}`, timestamp: String(T + 2 * i + 1) })),
    );
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(evens, { keySerde: str, valueSerde: str })
      .merge(builder.stream<string, string>(odds, { keySerde: str, valueSerde: str }))
      .to(out, { keySerde: str, valueSerde: str });
    app = new KafkaStreams(builder.build(), {
      applicationId: context.name('merge-order'),
      kafka: { brokers: context.brokers },
      bufferedRecordsPerPartition: 100,
      logger,
      kafkaLogLevel: 'nothing',
    });
    await app.start();
    const merged = await context.readTopic(out, 2 * n, 90_000);
    const values = merged.map((record) => record.value!.toString());
    const expected = Array.from({ length: n }, (_, i) => [`e${i}`, `o${i}`]).flat();
    expect(values).to.deep.equal(expected);
  });
});
