import { expect } from 'chai';
import { NO_HEADERS, ProcessingException, Serdes, StreamsBuilder, StreamsException, type ProducedRecord } from '../../lib/index.ts';
import { lineLogger } from '../../lib/logger.ts';
import { systemClock } from '../../lib/task/clock.ts';
import { buildTaskOptions, type TaskConfig, type TaskHost } from '../../lib/task/task-options-builder.ts';
import { graphOf } from '../../lib/topology/topology.ts';

const str = Serdes.String();

describe('buildTaskOptions', () => {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('in', { keySerde: str, valueSerde: str }).to('out', { keySerde: str, valueSerde: str });
  builder.globalTable<string, string>('rates', { keySerde: str, valueSerde: str }, { storeName: 'rates' });
  const topology = builder.build();
  const plan = topology.plan();
  const stream = plan.subTopologies[0]!;
  const global = plan.globals[0]!;
  const pill = { topic: 'in', partition: 2, offset: 7, timestamp: 5, key: Buffer.from('k'), value: Buffer.from('{'), headers: { trace: 'x' } };
  const failure = new ProcessingException('Processor p failed: boom');

  function host(config: TaskConfig, lines: string[] = []): TaskHost {
    return {
      config,
      graph: graphOf(topology),
      serialized: true,
      clock: systemClock,
      logger: lineLogger('warn', 'spec', (line) => lines.push(line)),
      globalStores: new Map(),
    };
  }

  it('gives stream and global tasks the settings of the config they are given, invalidTimestamp included', () => {
    const config: TaskConfig = { applicationId: 'app', defaultKeySerde: str, defaultValueSerde: str, invalidTimestamp: 'log-and-skip' };
    for (const subTopology of [stream, global]) {
      const options = buildTaskOptions(host(config), { subTopology, partition: 3, emit: () => {} });
      expect([
        options.applicationId,
        options.partition,
        options.serialized,
        options.defaultKeySerde,
        options.defaultValueSerde,
        options.invalidTimestamp,
      ]).to.deep.equal(['app', 3, true, str, str, 'log-and-skip']);
    }
  });

  it("resolves 'fail' (the default), 'log-and-continue' and a handler of your own", () => {
    const own = () => 'continue' as const;
    const options = buildTaskOptions(host({ applicationId: 'app', processingExceptionHandler: 'log-and-continue', deserializationExceptionHandler: own }), {
      subTopology: stream,
      partition: 0,
    });
    expect(options.onProcessingError!(failure, pill)).to.equal('continue');
    expect(options.onDeserializationError).to.equal(own);
    expect(buildTaskOptions(host({ applicationId: 'app' }), { subTopology: stream, partition: 0 }).onProcessingError!(failure, pill)).to.equal('fail');
  });

  it('makes { deadLetterTopic } send the failed record, as read, with error headers through the task, and go on', () => {
    const sent: ProducedRecord<unknown, unknown>[] = [];
    const options = buildTaskOptions(host({ applicationId: 'app', processingExceptionHandler: { deadLetterTopic: 'dlq' } }), {
      subTopology: stream,
      partition: 2,
      emit: (record) => sent.push(record),
    });
    expect(options.onProcessingError!(failure, pill)).to.equal('continue');
    expect(sent).to.deep.equal([
      {
        topic: 'dlq',
        key: pill.key,
        value: pill.value,
        timestamp: 5,
        headers: {
          trace: 'x',
          '__streams.errors.exception': 'ProcessingException',
          '__streams.errors.message': failure.message,
          '__streams.errors.topic': 'in',
          '__streams.errors.partition': '2',
          '__streams.errors.offset': '7',
        },
      },
    ]);
    // Without a record (a punctuation failed) there is nothing to send: the task fails.
    expect(options.onProcessingError!(failure, undefined)).to.equal('fail');
  });

  it('logs and drops the dead letters of a global task given no emit, as Kafka Streams does for global processors', () => {
    const lines: string[] = [];
    const options = buildTaskOptions(host({ applicationId: 'app', deserializationExceptionHandler: { deadLetterTopic: 'dlq' } }, lines), {
      subTopology: global,
      partition: 0,
    });
    expect(options.onDeserializationError!(new StreamsException('bad bytes'), { ...pill, topic: 'rates', headers: NO_HEADERS })).to.equal('continue');
    expect(lines).to.have.length(1);
    expect(lines[0])
      .to.include(`Dropping a dead letter for dlq: global task ${global.id}_0 has no producer`)
      .and.include('"topic":"rates","partition":"2","offset":"7"');
  });

  it('refuses { deadLetterTopic } for a stream task given no emit, and a dead letter topic that is no topic name', () => {
    expect(() =>
      buildTaskOptions(host({ applicationId: 'app', processingExceptionHandler: { deadLetterTopic: 'dlq' } }), { subTopology: stream, partition: 0 }),
    ).to.throw(StreamsException, /processingExceptionHandler \{ deadLetterTopic: 'dlq' \} needs a host that can send records/);
    expect(() =>
      buildTaskOptions(host({ applicationId: 'app', deserializationExceptionHandler: { deadLetterTopic: '' } }), {
        subTopology: stream,
        partition: 0,
        emit: () => {},
      }),
    ).to.throw(StreamsException, /deserializationExceptionHandler \{ deadLetterTopic: "" \} needs a topic name/);
  });
});
