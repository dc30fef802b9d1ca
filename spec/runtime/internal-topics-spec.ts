import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { KafkaStreams, Serdes, SessionWindows, StreamsBuilder, StreamsException, TimeWindows, consoleLogger, type Topology } from '../../lib/index.ts';
import { kafkajs } from '../../lib/kafka/kafkajs.ts';
import type { KafkaStreamsConfig } from '../../lib/runtime/kafka-streams-config.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

const strings = { keySerde: Serdes.String(), valueSerde: Serdes.String() };

/** A topic's configs as the broker reports them, by name. */
async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  return Object.fromEntries(resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]));
}

/** Per partition of `topic`, its low watermark (the log start offset), its end and the group's committed offset. */
async function partitionOffsets(admin: Admin, groupId: string, topic: string): Promise<{ partition: number; low: number; high: number; committed: number }[]> {
  // Low first, committed second: a purge follows a commit, so what is read second is never behind what allowed the first.
  const watermarks = await admin.fetchTopicOffsets(topic);
  const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return watermarks
    .map(({ partition, low, high }) => ({
      partition,
      low: Number(low),
      high: Number(high),
      committed: Number(group!.partitions.find((p) => p.partition === partition)!.offset),
    }))
    .sort((a, b) => a.partition - b.partition);
}

describe('Internal topics on a real broker', function () {
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

  function app(topology: Topology, overrides: Partial<KafkaStreamsConfig> = {}): KafkaStreams {
    const created = new KafkaStreams(topology, {
      applicationId: kafka.name('topics-app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
      ...overrides,
    });
    apps.push(created);
    return created;
  }

  /** Words counted after a repartition (a new key), and per key in a window, per session and in a store with its own changelog configs. */
  function wordTopology(input: string): Topology {
    const builder = new StreamsBuilder();
    const lines = builder.stream<string, string>(input, strings);
    lines.groupBy((_key, word) => word, { ...strings, name: 'by-word' }).count({ storeName: 'counts' });
    lines.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count({ storeName: 'per-minute' });
    lines.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30_000)).count({ storeName: 'sessions' });
    lines.groupByKey().count({ storeName: 'tuned', changelogConfig: { 'min.compaction.lag.ms': '60000', 'segment.bytes': '1048576' } });
    return builder.build();
  }

  it("creates repartition topics and changelogs with Kafka Streams' configs, read back from the broker", async () => {
    const input = kafka.name('lines');
    await kafka.createTopic(input, 2);
    const streams = app(wordTopology(input), { windowstoreChangelogAdditionalRetentionMs: 3_600_000, replicationFactor: 1 });
    await streams.start();
    const admin = await kafka.admin();
    const id = kafka.name('topics-app');

    const repartition = await topicConfigs(admin, `${id}-by-word-repartition`);
    expect(repartition).to.include({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'segment.bytes': '52428800', 'message.timestamp.type': 'CreateTime' });

    const counts = await topicConfigs(admin, `${id}-counts-changelog`);
    expect(counts).to.include({ 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime' });

    // The store's retention (size + grace; gap + grace) plus windowstoreChangelogAdditionalRetentionMs.
    expect(await topicConfigs(admin, `${id}-per-minute-changelog`)).to.include({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(60_000 + 3_600_000),
    });
    expect(await topicConfigs(admin, `${id}-sessions-changelog`)).to.include({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(30_000 + 3_600_000),
    });

    expect(await topicConfigs(admin, `${id}-tuned-changelog`)).to.include({
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '60000',
      'segment.bytes': '1048576',
    });

    const internal = ['by-word-repartition', 'counts-changelog', 'per-minute-changelog', 'sessions-changelog', 'tuned-changelog'].map(
      (name) => `${id}-${name}`,
    );
    const { topics } = await admin.fetchTopicMetadata({ topics: internal });
    for (const topic of topics) {
      expect(topic.partitions, topic.name).to.have.length(2);
      for (const partition of topic.partitions) expect(partition.replicas, `${topic.name} partition ${partition.partitionId}`).to.have.length(1);
    }
  });

  it('asks the broker for replicationFactor: 2 on a one-broker cluster is refused at start, and no internal topic is made', async () => {
    const input = kafka.name('lines');
    await kafka.createTopic(input, 1);
    const streams = app(wordTopology(input), { replicationFactor: 2 });

    const failure = await streams.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(StreamsException);
    const message = (failure as Error).message;
    expect(message).to.contain(`The broker refused to create topic ${kafka.name('topics-app')}-by-word-repartition (INVALID_REPLICATION_FACTOR`);
    expect(message).to.contain('asked for replication factor 2');
    expect(message).to.contain('check replicationFactor against the number of brokers');
    const admin = await kafka.admin();
    expect((await admin.listTopics()).filter((topic) => topic.startsWith(kafka.name('topics-app')))).to.deep.equal([]);
  });

  it('still refuses an existing internal topic with the wrong partition count, saying what to do', async () => {
    const input = kafka.name('lines');
    await kafka.createTopic(input, 2);
    await kafka.createTopic(`${kafka.name('topics-app')}-counts-changelog`, 1);
    const streams = app(wordTopology(input));

    const failure = await streams.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(StreamsException);
    expect((failure as Error).message).to.contain(
      `Internal topic ${kafka.name('topics-app')}-counts-changelog exists with 1 partitions, but the topology needs 2; delete it or reset the application`,
    );
  });

  for (const processingGuarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`keeps a repartition topic's size bounded under ${processingGuarantee}: its low watermark follows the committed offset while records flow`, async () => {
      const input = kafka.name('lines');
      await kafka.createTopic(input, 2);
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>(input, strings)
        .groupBy((_key, word) => word, { ...strings, name: 'by-word' })
        .count({ storeName: 'counts' });
      const streams = app(builder.build(), { processingGuarantee, repartitionPurgeIntervalMs: 200 });
      await streams.start();
      const id = kafka.name('topics-app');
      const repartition = `${id}-by-word-repartition`;
      const admin = await kafka.admin();
      const producer = await kafka.producer();
      const words = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime', 'date', 'sloe'];

      // Records flow the whole time the watermarks are sampled: 50 lines at a time, one batch after another.
      let sent = 0;
      let flowing = true;
      const flow = (async () => {
        while (flowing) {
          await producer.send({
            topic: input,
            acks: -1,
            messages: Array.from({ length: 50 }, (_, i) => ({ key: `line-${i}`, value: words[(sent + i) % words.length]! })),
          });
          sent += 50;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const samples: { sample: number; sent: number; offsets: Awaited<ReturnType<typeof partitionOffsets>> }[] = [];
      let lowSum = 0;
      try {
        for (let sample = 1; sample <= 6; sample++) {
          let latest: Awaited<ReturnType<typeof partitionOffsets>> = [];
          await waitFor(
            async () => {
              latest = await partitionOffsets(admin, id, repartition);
              return latest.reduce((sum, p) => sum + p.low, 0) > lowSum;
            },
            60_000,
            () => `the low watermarks of ${repartition} to move past ${lowSum} (sample ${sample}): ${JSON.stringify(latest)}`,
          );
          // Never ahead of the commit: no record the group has not committed is deleted.
          for (const p of latest) expect(p.low, `sample ${sample} partition ${p.partition}`).to.be.at.most(p.committed);
          samples.push({ sample, sent, offsets: latest });
          lowSum = latest.reduce((sum, p) => sum + p.low, 0);
        }
      } finally {
        flowing = false;
        await flow;
      }

      // Once the records stop, what was committed is all deleted: the topic keeps nothing but,
      // under exactly-once, the commit markers of the two upstream tasks' last transactions.
      let settled: Awaited<ReturnType<typeof partitionOffsets>> = [];
      await waitFor(
        async () => {
          settled = await partitionOffsets(admin, id, repartition);
          return settled.every((p) => p.low === p.committed && p.committed >= p.high - 2);
        },
        60_000,
        () => `${repartition} to be purged up to its committed offsets: ${JSON.stringify(settled)}`,
      );
      console.log(`      ${processingGuarantee}: ${repartition}, low <= committed <= high per partition:`);
      for (const { sample, sent: records, offsets } of [...samples, { sample: 0, sent, offsets: settled }]) {
        const partitions = offsets.map((p) => `p${p.partition} ${p.low} <= ${p.committed} <= ${p.high}`).join(', ');
        console.log(`        ${sample === 0 ? 'stopped ' : `sample ${sample}`} (${records} lines sent): ${partitions}`);
      }

      // Nothing was deleted before it was counted: every line sent is in the counts.
      await waitFor(
        () => {
          try {
            return words.reduce((sum, word) => sum + Number(streams.store<string, bigint | number>('counts').get(word) ?? 0), 0) === sent;
          } catch {
            return false;
          }
        },
        60_000,
        () => `the counts to add up to the ${sent} lines sent`,
      );
    });
  }
});
