/**
 * The rx-kafka-streams bench app: `passthrough` (source -> mapValues -> filter -> to), `count`
 * (groupByKey().count() with its changelog, to a topic), `windowed-count` (1 s windows advancing
 * by 500 ms) and `stream-table-join`, at-least-once or exactly-once, as the Java module. The first
 * input record is noticed by the source's timestamp extractor, as in the Java module. Its
 * default export is the threadModule of the stream threads on workers (`--threads`): settings
 * come in the module URL's `settings` query.
 */
import {
  Serdes,
  StreamsBuilder,
  TimeWindows,
  consoleLogger,
  type KafkaStreamsConfig,
  type Serde,
  type TimestampExtractor,
  type Topology,
} from '../../lib/index.ts';
import { emit, type WorkerSettings } from './protocol.ts';

/** 8-byte big-endian, as Java's LongSerializer writes the count. */
const countSerde: Serde<number> = {
  serialize: (_topic, n) => {
    if (n === null) return null;
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(BigInt(n));
    return bytes;
  },
  deserialize: (_topic, bytes) => Number(bytes!.readBigInt64BE()),
};

let first = true;
const firstRecordMarker: TimestampExtractor<string, Buffer> = (record) => {
  if (first) {
    first = false;
    emit({ event: 'first', t: Date.now() });
  }
  return record.timestamp;
};

export function buildBenchApp(settings: WorkerSettings): { topology: Topology; config: KafkaStreamsConfig } {
  const keySerde = Serdes.String();
  const valueSerde = Serdes.Buffer();
  const builder = new StreamsBuilder();
  const input = builder.stream<string, Buffer>(settings.input, { keySerde, valueSerde, timestampExtractor: firstRecordMarker as TimestampExtractor });
  switch (settings.workload) {
    case 'passthrough':
      input
        .mapValues((value) => value)
        .filter((_key, value) => value !== null && value.length > 0)
        .to(settings.output, { keySerde, valueSerde });
      break;
    case 'count':
      input.groupByKey().count().toStream().to(settings.output, { keySerde, valueSerde: countSerde });
      break;
    case 'windowed-count':
      input
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(1000).advanceBy(500))
        .count()
        .toStream()
        .map((windowed, count) => ({ key: `${windowed.key}@${windowed.window.start}`, value: count }))
        .to(settings.output, { keySerde, valueSerde: countSerde });
      break;
    case 'stream-table-join': {
      const table = builder.table<string, Buffer>(settings.table, { keySerde, valueSerde });
      input.join(table, (value, other): Buffer => Buffer.concat([value, other]) as Buffer).to(settings.output, { keySerde, valueSerde });
      break;
    }
    default:
      throw new Error(`rx-kafka-streams has no workload ${settings.workload}`);
  }
  return {
    topology: builder.build(),
    config: {
      applicationId: settings.appId,
      kafka: { brokers: settings.brokers },
      processingGuarantee: settings.guarantee,
      commitIntervalMs: settings.commitIntervalMs,
      logger: consoleLogger('nothing'),
      kafkaLogLevel: 'nothing',
    },
  };
}

export default function benchApp(): { topology: Topology; config: KafkaStreamsConfig } {
  return buildBenchApp(JSON.parse(new URL(import.meta.url).searchParams.get('settings')!) as WorkerSettings);
}
