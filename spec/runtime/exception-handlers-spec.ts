import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, consoleLogger, type KafkaStreamsConfig } from '../../lib/index.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

const quiet = consoleLogger('nothing');
const int = Serdes.Int();

describe('KafkaStreams with a poison pill', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  let app: KafkaStreams | undefined;
  let input: string;
  let output: string;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
    input = kafka.name('in');
    output = kafka.name('out');
    await kafka.createTopic(input);
    await kafka.createTopic(output);
    // 1, 2, a record that is not a 4-byte int, then 4, 5: the pill sits at offset 2.
    await kafka.produce(input, [
      { key: 'a', value: int.serialize(input, 1) },
      { key: 'b', value: int.serialize(input, 2) },
      { key: 'pill', value: Buffer.from('not an int') },
      { key: 'd', value: int.serialize(input, 4) },
      { key: 'e', value: int.serialize(input, 5) },
    ]);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await kafka.close();
  });

  function build(config: Partial<KafkaStreamsConfig>, map: (value: number) => number = (value) => value * 10): KafkaStreams {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>(input, { keySerde: Serdes.String(), valueSerde: int })
      .mapValues(map)
      .to(output, { keySerde: Serdes.String(), valueSerde: int });
    return new KafkaStreams(builder.build(), {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 100,
      logger: quiet,
      kafkaLogLevel: 'nothing',
      ...config,
    });
  }

  async function committedOffset(): Promise<number> {
    const admin = await kafka.admin();
    const [topic] = await admin.fetchOffsets({ groupId: kafka.name('app'), topics: [input] });
    return Number(topic!.partitions[0]!.offset);
  }

  it("goes to ERROR under 'fail', naming topic, partition and offset, and commits nothing past the pill", async () => {
    app = build({});
    await app.start();
    await waitFor(
      () => app!.state === 'ERROR',
      30_000,
      () => `state is ${app!.state}`,
    );
    expect(app.error?.name).to.equal('SerializationException');
    expect(app.error?.message).to.contain(`topic ${input} partition 0 offset 2`);
    const records = await kafka.readTopic(output, 2);
    expect(records.map((r) => int.deserialize(output, r.value))).to.deep.equal([10, 20]);
    await waitFor(
      async () => (await committedOffset()) === 2,
      10_000,
      () => 'offset 2 committed',
    );
    expect(await committedOffset()).to.equal(2);
  });

  it("skips the pill under 'log-and-continue' and processes everything after it", async () => {
    app = build({ deserializationExceptionHandler: 'log-and-continue' });
    await app.start();
    const records = await kafka.readTopic(output, 4);
    expect(records.map((r) => int.deserialize(output, r.value))).to.deep.equal([10, 20, 40, 50]);
    expect(app.state).to.equal('RUNNING');
  });

  it('produces the raw pill with error headers to a dead letter topic, then continues', async () => {
    const deadLetters = kafka.name('dlq');
    await kafka.createTopic(deadLetters);
    app = build({ deserializationExceptionHandler: { deadLetterTopic: deadLetters } });
    await app.start();
    const [pill] = await kafka.readTopic(deadLetters, 1);
    expect(pill!.key?.toString()).to.equal('pill');
    expect(pill!.value?.toString()).to.equal('not an int');
    expect(pill!.headers['__streams.errors.offset']?.toString()).to.equal('2');
    expect(pill!.headers['__streams.errors.topic']?.toString()).to.equal(input);
    expect(pill!.headers['__streams.errors.message']?.toString()).to.contain('Int serde needs 4 bytes');
    const records = await kafka.readTopic(output, 4);
    expect(records.map((r) => int.deserialize(output, r.value))).to.deep.equal([10, 20, 40, 50]);
    await waitFor(
      async () => (await committedOffset()) === 5,
      10_000,
      () => 'all 5 offsets committed',
    );
  });

  it('handles a user function that throws with the processing exception handler, the same way', async () => {
    const deadLetters = kafka.name('dlq');
    await kafka.createTopic(deadLetters);
    app = build({ deserializationExceptionHandler: 'log-and-continue', processingExceptionHandler: { deadLetterTopic: deadLetters } }, (value) => {
      if (value === 4) throw new Error('four is not allowed');
      return value * 10;
    });
    await app.start();
    const [failed] = await kafka.readTopic(deadLetters, 1);
    expect(failed!.key?.toString()).to.equal('d');
    expect(failed!.headers['__streams.errors.message']?.toString()).to.contain('four is not allowed');
    const records = await kafka.readTopic(output, 3);
    expect(records.map((r) => int.deserialize(output, r.value))).to.deep.equal([10, 20, 50]);
  });

  it("goes to ERROR when a user function throws under the default 'fail'", async () => {
    app = build({ deserializationExceptionHandler: 'log-and-continue' }, (value) => {
      if (value === 4) throw new Error('four is not allowed');
      return value * 10;
    });
    await app.start();
    await waitFor(
      () => app!.state === 'ERROR',
      30_000,
      () => `state is ${app!.state}`,
    );
    expect(app.error?.message).to.match(/Processor KSTREAM-MAPVALUES-\d+ failed: four is not allowed/);
    expect(app.error?.message).to.contain('offset 3');
    await waitFor(
      async () => (await committedOffset()) === 3,
      10_000,
      () => 'offset 3 committed',
    );
  });
});
