/**
 * @kafkats/flow (installed here by `npm run bench`, outside the library's dependencies): the same
 * four Kafka Streams workloads with its own client. flow has no timestamp extractor, so a peek()
 * at the head of each topology notices the first input record.
 */
// Plain JavaScript, so that `npm run typecheck` passes before this folder is installed.
import { KafkaClient, buffer, string } from '@kafkats/client';
import { TimeWindows, flow } from '@kafkats/flow';
import { emit, runWorker, settingsFromArgv, stopRequested } from '../workers/protocol.ts';

const settings = settingsFromArgv();

/** 8-byte big-endian, as Java's LongSerializer writes the count. @type {import('@kafkats/client').Codec<number>} */
const long = {
  encode: (n) => {
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(BigInt(n));
    return bytes;
  },
  decode: (bytes) => Number(bytes.readBigInt64BE()),
};

let first = true;
const markFirst = () => {
  if (first) {
    first = false;
    emit({ event: 'first', t: Date.now() });
  }
};

runWorker(async () => {
  const client = new KafkaClient({ brokers: settings.brokers, clientId: settings.appId, logLevel: 'silent' });
  const app = flow({
    applicationId: settings.appId,
    client,
    numStreamThreads: 1,
    processingGuarantee: settings.guarantee === 'exactly_once_v2' ? 'exactly_once' : 'at_least_once',
    commitIntervalMs: settings.commitIntervalMs,
    consumer: { autoOffsetReset: 'earliest', maxWaitMs: 100, maxBytesPerPartition: 1024 * 1024 },
    producer: { acks: 'all' },
    runEach: { autoCommitIntervalMs: settings.commitIntervalMs },
  });
  const input = app.stream(settings.input, { key: string(), value: buffer() }).peek(markFirst);
  switch (settings.workload) {
    case 'passthrough':
      input
        .mapValues((value) => value)
        .filter((_key, value) => value !== null && value.length > 0)
        .to(settings.output, { key: string(), value: buffer() });
      break;
    case 'count':
      input.groupByKey().count().toStream().to(settings.output, { key: string(), value: long });
      break;
    case 'windowed-count':
      input
        .groupByKey()
        .windowedBy(TimeWindows.of(1000).advanceBy(500))
        .count()
        .toStream()
        .map((windowed, count) => [`${windowed.key}@${windowed.window.start}`, count])
        .to(settings.output, { key: string(), value: long });
      break;
    case 'stream-table-join': {
      const table = app.table(settings.table, { key: string(), value: buffer() });
      input.join(table, (value, other) => Buffer.concat([value, other])).to(settings.output, { key: string(), value: buffer() });
      break;
    }
    default:
      throw new Error(`No ${settings.workload} workload for @kafkats/flow`);
  }
  await app.start();
  emit({ event: 'started' });
  await stopRequested();
  await app.close();
  await client.disconnect();
});
