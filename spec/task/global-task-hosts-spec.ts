import { expect } from 'chai';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Serdes, StreamsBuilder, type KafkaStreamsConfig, type Topology } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { GlobalState } from '../../lib/runtime/global-state.ts';
import type { InvalidTimestampPolicy } from '../../lib/task/task-options.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';
import { graphOf } from '../../lib/topology/topology.ts';

const str = Serdes.String();
const json = Serdes.Json<Rate>();

interface Rate {
  readonly at: number;
  readonly rate: number;
}

/** A global table whose record times come from the values, so that a value can carry a bad one. */
function ratesTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.globalTable<string, Rate>('rates', { keySerde: str, valueSerde: json, timestampExtractor: (record) => record.value.at }, { storeName: 'rates' });
  return builder.build();
}

/** What a user can see of a run: the table's rows, the failure that stopped it, the warnings. */
interface Outcome {
  readonly rows: [string, number][];
  readonly failure: string | undefined;
  readonly warnings: string[];
}

interface Input {
  readonly key: string;
  /** Raw bytes (a poison pill) or a rate. */
  readonly value: Rate | Buffer;
}

const bytesOf = (input: Input): Buffer => (Buffer.isBuffer(input.value) ? input.value : json.serialize('rates', input.value)!);

/** The warning lines, without their timestamp. */
function warningsInto(lines: string[]) {
  return lineLogger('warn', 'spec', (line) => lines.push(line.replace(/^\S+ /, '').replace(/\[spec[^\]]*\] /, '')));
}

function inDriver(inputs: readonly Input[], config: Partial<KafkaStreamsConfig>): Outcome {
  const warnings: string[] = [];
  const driver = new TopologyTestDriver(ratesTopology(), { applicationId: 'app', ...config, logger: warningsInto(warnings) }, 0);
  let failure: string | undefined;
  try {
    for (const input of inputs) driver.pipeSerialized('rates', str.serialize('rates', input.key), bytesOf(input), 0, undefined);
  } catch (error) {
    failure = (error as Error).message;
  }
  const rows = driver
    .getKeyValueStore<string, Rate>('rates')
    .all()
    .map(({ key, value }): [string, number] => [key, value.rate]);
  driver.close();
  return { rows, failure, warnings };
}

async function onKafka(inputs: readonly Input[], config: Partial<KafkaStreamsConfig>): Promise<Outcome> {
  const warnings: string[] = [];
  const topology = ratesTopology();
  const streamsConfig: KafkaStreamsConfig = { applicationId: 'app', kafka: { brokers: [] }, ...config };
  const failures: Error[] = [];
  const messages = inputs.map(
    (input, offset) =>
      ({ key: str.serialize('rates', input.key), value: bytesOf(input), timestamp: '0', offset: String(offset), headers: {} }) as unknown as KafkaMessage,
  );
  const global = new GlobalState(fakeKafka('rates', messages), graphOf(topology), topology.plan(), streamsConfig, warningsInto(warnings), (error) =>
    failures.push(error),
  );
  await global.start().catch(() => {});
  const store = global.stores.get('rates') as unknown as { all(): { key: string; value: Rate }[] };
  const rows = store.all().map(({ key, value }): [string, number] => [key, value.rate]);
  await global.close();
  return { rows, failure: failures[0]?.message, warnings };
}

/** Just enough of kafkajs for GlobalState to read one partition of one topic from the beginning. */
function fakeKafka(topic: string, messages: KafkaMessage[]): Kafka {
  const endBatch = 'consumer.end_batch_process';
  const client = {
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicOffsets: async () => [{ partition: 0, offset: String(messages.length), high: String(messages.length), low: '0' }],
    }),
    consumer: () => {
      const listeners: ((event: { payload: { topic: string; partition: number; lastOffset: string } }) => void)[] = [];
      return {
        events: { END_BATCH_PROCESS: endBatch },
        on: (_event: string, listener: (typeof listeners)[number]) => listeners.push(listener),
        connect: async () => {},
        subscribe: async () => {},
        disconnect: async () => {},
        run: async ({ eachBatch }: { eachBatch: (payload: { batch: { topic: string; partition: number; messages: KafkaMessage[] } }) => Promise<void> }) => {
          // As kafkajs does: run() resolves, then batches arrive.
          setImmediate(async () => {
            await eachBatch({ batch: { topic, partition: 0, messages } });
            for (const listener of listeners) listener({ payload: { topic, partition: 0, lastOffset: String(messages.length - 1) } });
          });
        },
      };
    },
  };
  return client as unknown as Kafka;
}

describe('A global table on Kafka and in the TopologyTestDriver', () => {
  const inputs: Input[] = [
    { key: 'eur', value: { at: 10, rate: 1 } },
    { key: 'usd', value: { at: -1, rate: 2 } },
    { key: 'gbp', value: { at: 20, rate: 3 } },
  ];
  const expected: Record<InvalidTimestampPolicy, Pick<Outcome, 'rows'> & { failure: RegExp | undefined }> = {
    'log-and-skip': {
      rows: [
        ['eur', 1],
        ['gbp', 3],
      ],
      failure: undefined,
    },
    'use-partition-time': {
      rows: [
        ['eur', 1],
        ['gbp', 3],
        ['usd', 2],
      ],
      failure: undefined,
    },
    fail: { rows: [['eur', 1]], failure: /invalid timestamp -1.*topic rates partition 0 offset 1/ },
  };

  for (const policy of ['log-and-skip', 'use-partition-time', 'fail'] as const) {
    it(`honour invalidTimestamp: '${policy}' the same way`, async () => {
      const kafka = await onKafka(inputs, { invalidTimestamp: policy });
      const driver = inDriver(inputs, { invalidTimestamp: policy });
      expect(kafka).to.deep.equal(driver);
      expect(kafka.rows).to.deep.equal(expected[policy].rows);
      if (expected[policy].failure) expect(kafka.failure).to.match(expected[policy].failure);
      else expect(kafka.failure).to.equal(undefined);
    });
  }

  it('skip a poison pill under { deadLetterTopic } the same way, naming it in a warning: a global task has no producer', async () => {
    const withPill: Input[] = [inputs[0]!, { key: 'usd', value: Buffer.from('{not json') }, inputs[2]!];
    const config = { deserializationExceptionHandler: { deadLetterTopic: 'rates-dlq' } };
    const kafka = await onKafka(withPill, config);
    const driver = inDriver(withPill, config);
    expect(kafka).to.deep.equal(driver);
    expect(kafka.rows).to.deep.equal([
      ['eur', 1],
      ['gbp', 3],
    ]);
    expect(kafka.failure).to.equal(undefined);
    expect(kafka.warnings[0]).to.match(
      /^WARN Dropping a dead letter for rates-dlq: global task \d+_0 has no producer to send it with .*"topic":"rates","partition":"0","offset":"1"/,
    );
  });
});

describe('The TopologyTestDriver with a { deadLetterTopic } handler', () => {
  it("outputs a stream task's failed record, as read, to the dead letter topic with error headers, and goes on", () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Rate>('in', { keySerde: str, valueSerde: json })
      .mapValues((rate) => rate.rate)
      .to('out', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(
      builder.build(),
      { applicationId: 'app', deserializationExceptionHandler: { deadLetterTopic: 'dlq' }, logger: warningsInto([]) },
      0,
    );
    driver.pipeSerialized('in', str.serialize('in', 'usd'), Buffer.from('{not json'), 5, { trace: 'x' });
    driver.createInputTopic('in', str, json).pipeInput('eur', { at: 0, rate: 1 });
    const dead = driver.createOutputTopic('dlq', str, Serdes.Buffer()).readRecordsToList();
    expect(dead.map((record) => [record.key, String(record.value), record.timestamp])).to.deep.equal([['usd', '{not json', 5]]);
    expect(dead[0]!.headers).to.include({ trace: 'x', '__streams.errors.topic': 'in', '__streams.errors.partition': '0', '__streams.errors.offset': '0' });
    expect(driver.createOutputTopic('out', str, Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'eur', value: 1 }]);
    driver.close();
  });
});
