/**
 * Restore benchmark (not a test): fills the changelog of a `counts` store with 1,000,000 entries,
 * starts a KafkaStreams app whose task owns that store, and times the restoration.
 *
 *   npx tsx bench/restore/run.ts            (ENTRIES=200000 npx tsx bench/restore/run.ts for less)
 *
 * Prints the time from start() to the restoration$ event with done=true, records/s, the store's
 * data size (bytes of the keys and values in its changelog) and the peak RSS (sampled while
 * restoring and during close(), and the process' maxRSS) with its growth as a multiple of that size. Needs the broker on 127.0.0.1:9092
 * (`npm run kafka start`); the bench topics are deleted at the end.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import { InvalidStateStoreException, KafkaStreams, Serdes, StreamsBuilder, consoleLogger } from '../../lib/index.ts';

const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
// kafkajs' send time grows faster than linearly with the records per partition in one request
// (5,000: ~0.2 s, 20,000: ~4 s on this machine), so many mid-sized sends in flight fill fastest.
const RECORDS_PER_SEND = 5_000;
const SENDS_IN_FLIGHT = 8;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

// `run.ts --fill <applicationId>`: the child process that fills the changelog, so that the
// producer's garbage does not count in the RSS of the process that restores.
const filling = process.argv[2] === '--fill';
const applicationId = filling ? process.argv[3]! : `bench-restore-${randomUUID().slice(0, 8)}`;
const storeName = 'counts';
const changelog = `${applicationId}-${storeName}-changelog`;
const input = `${applicationId}-input`;
const keySerde = Serdes.String();
const valueSerde = Serdes.Int();

const kafka = new Kafka({ clientId: applicationId, brokers: BROKERS, logLevel: logLevel.NOTHING });
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const key = (i: number): string => `k${String(i).padStart(7, '0')}`;

/** Fills the changelog; returns its duration in ms and the bytes of the keys and values written (the store's data size). */
async function fillChangelog(): Promise<{ ms: number; bytes: number }> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  let bytes = 0;
  try {
    const sends = new Set<Promise<unknown>>();
    for (let from = 0; from < ENTRIES; from += RECORDS_PER_SEND) {
      const messages = [];
      for (let i = from; i < Math.min(from + RECORDS_PER_SEND, ENTRIES); i++) {
        const message = { key: keySerde.serialize(changelog, key(i))!, value: valueSerde.serialize(changelog, i % 1000)!, partition: 0 };
        bytes += message.key.length + message.value.length;
        messages.push(message);
      }
      const send = producer.sendBatch({ topicMessages: [{ topic: changelog, messages }], acks: -1, compression: CompressionTypes.None });
      sends.add(send);
      void send.finally(() => sends.delete(send)).catch(() => {});
      if (sends.size >= SENDS_IN_FLIGHT) await Promise.race(sends);
    }
    await Promise.all(sends);
  } finally {
    await producer.disconnect();
  }
  return { ms: Date.now() - started, bytes };
}

/** Runs fillChangelog() in a child process; resolves with what it returned. */
function fillInChild(): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--fill', applicationId], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let filled: { ms: number; bytes: number } | undefined;
    child.on('message', (message) => (filled = message as { ms: number; bytes: number }));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && filled ? resolve(filled) : reject(new Error(`the fill process exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: changelog, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: input, numPartitions: 1 },
      ],
    });
    console.log(`${applicationId}: filling ${changelog} with ${ENTRIES.toLocaleString('en')} entries...`);
    const { ms: fillMs, bytes: dataBytes } = await fillInChild();
    const [{ high }] = await admin.fetchTopicOffsets(changelog);
    console.log(`filled in ${(fillMs / 1000).toFixed(1)} s (${Math.round(ENTRIES / (fillMs / 1000)).toLocaleString('en')} records/s), end offset ${high}`);
    // The store's data size: what its changelog holds, keys plus values (every key once here).
    console.log(`store data size ${mb(dataBytes)} (${dataBytes.toLocaleString('en')} bytes of keys and values)`);
    const ratio = (bytes: number): string => `${(bytes / dataBytes).toFixed(1)}x the data`;

    const builder = new StreamsBuilder();
    builder
      .stream<string, number>(input, { keySerde, valueSerde })
      .groupByKey()
      .reduce((a, b) => a + b, { storeName, keySerde, valueSerde });
    const app = new KafkaStreams(builder.build(), {
      applicationId,
      kafka: { brokers: BROKERS },
      logger: consoleLogger(process.env.LOG_LEVEL === 'info' ? 'info' : 'warn'),
      kafkaLogLevel: 'nothing',
    });

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let atPeak = process.memoryUsage();
    // Also the longest stall of the event loop (gap between ticks): heartbeats (sessionTimeout 10 s) need it to turn.
    let lastTick = Date.now();
    let stall = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      if (usage.rss > rssPeak) [rssPeak, atPeak] = [usage.rss, usage];
      stall = Math.max(stall, Date.now() - lastTick);
      lastTick = Date.now();
    }, 20);
    const events: number[] = [];
    let lastEvent = { restored: 0, total: 0, recordsPerSecond: 0 };
    const restored = new Promise<number>((resolve, reject) => {
      app.restoration$.subscribe((progress) => {
        events.push(Date.now());
        lastEvent = progress;
        if (progress.topic === changelog && progress.done) resolve(Date.now());
      });
      app.state$.subscribe((state) => {
        if (state === 'ERROR') reject(app.error);
      });
    });
    const started = Date.now();
    await app.start();
    const startResolved = Date.now();
    const done = await restored;
    // The task leaves `restoring` just after the last progress event: poll the view until it answers.
    let entries = -1;
    while (entries < 0) {
      try {
        entries = app.store(storeName).approximateNumEntries();
      } catch (error) {
        if (!(error instanceof InvalidStateStoreException) || !/restoring/.test(error.message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const queryable = Date.now();
    const restoreStall = stall;
    const restorePeak = Math.max(rssPeak, process.memoryUsage().rss);
    global.gc?.();
    const heapLive = process.memoryUsage().heapUsed - heapBefore;
    stall = 0;
    const sample = app.store<string, number>(storeName).get(key(ENTRIES - 1));

    const seconds = (done - started) / 1000;
    console.log('');
    console.log(
      `restored ${lastEvent.restored.toLocaleString('en')} / ${lastEvent.total.toLocaleString('en')} records in ${seconds.toFixed(2)} s from start() (start() resolved after ${startResolved - started} ms)`,
    );
    console.log(
      `  ${Math.round(ENTRIES / seconds).toLocaleString('en')} records/s end to end; restorer's own figure ${lastEvent.recordsPerSecond.toLocaleString('en')} records/s; ${events.length} progress events`,
    );
    console.log(
      `  store queryable ${queryable - done} ms after done; approximateNumEntries() = ${entries.toLocaleString('en')} (${entries === ENTRIES ? 'OK' : `MISMATCH, expected ${ENTRIES}`}); get(${key(ENTRIES - 1)}) = ${sample}`,
    );
    console.log(
      `  RSS before start ${mb(rssBefore)}, peak while restoring ${mb(restorePeak)} (+${mb(restorePeak - rssBefore)}, ${ratio(restorePeak - rssBefore)}; data ${mb(dataBytes)})`,
    );
    console.log(
      `  at the peak: heapUsed ${mb(atPeak.heapUsed)}, heapTotal ${mb(atPeak.heapTotal)}, arrayBuffers ${mb(atPeak.arrayBuffers)}; ` +
        `heap grown by ${mb(heapLive)} once done (${global.gc ? 'after a collection' : 'run with node --expose-gc to collect first'})`,
    );

    const closing = Date.now();
    await app.close();
    const closeMs = Date.now() - closing;
    clearInterval(sampler);
    console.log(
      `  close() took ${closeMs} ms (its commit writes the restored entries behind to Keyv, here an in-memory one in this process); ` +
        `peak RSS by then ${mb(rssPeak)} (+${mb(rssPeak - rssBefore)}, ${ratio(rssPeak - rssBefore)}), process maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    );
    console.log(`  longest event-loop stall: ${restoreStall.toFixed(0)} ms while restoring, ${stall} ms in close()`);
    if (entries !== ENTRIES || sample !== (ENTRIES - 1) % 1000) process.exitCode = 1;
  } finally {
    await admin.deleteTopics({ topics: [changelog, input] }).catch((error) => console.error(`could not delete the bench topics: ${error}`));
    await admin.disconnect();
  }
}

if (filling) {
  process.send!(await fillChangelog());
  process.disconnect();
} else {
  await main();
}
