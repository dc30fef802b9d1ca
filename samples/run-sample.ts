// What the DSL samples share: on the local broker (started if need be), create their topics, run
// the topology as a KafkaStreams app, write its input records, print what it writes to its output
// topic for a while, then close.
import { Kafka, logLevel } from 'kafkajs';
import { KafkaStreams, consoleLogger, type Topology } from '../lib/index.ts';
import { createMissingTopics, useBroker } from './local-broker.ts';

export interface SampleRecord {
  readonly key: string;
  readonly value: string | null;
  /** Event time, ms. */
  readonly timestamp: number;
}

export interface SampleOptions {
  readonly name: string;
  readonly topology: Topology;
  /** Input records by topic, written in this order. */
  readonly inputs: ReadonlyArray<readonly [topic: string, records: readonly SampleRecord[]]>;
  readonly output: string;
  readonly runForMs?: number;
}

export async function runSample({ name, topology, inputs, output, runForMs = 15_000 }: SampleOptions): Promise<void> {
  const broker = useBroker();
  const kafka = new Kafka({ clientId: `${name}-sample`, brokers: broker.brokers, logLevel: logLevel.ERROR });
  await createMissingTopics(kafka, [...new Set([...inputs.map(([topic]) => topic), output])], 2);
  // A fresh application id per run, so each run starts from the beginning of its inputs.
  const app = new KafkaStreams(topology, {
    applicationId: `${name}-${Date.now()}`,
    kafka: { brokers: broker.brokers },
    commitIntervalMs: 500,
    kafkaLogLevel: 'error',
    logger: consoleLogger('warn'),
  });
  const consumer = kafka.consumer({ groupId: `${name}-printer-${Date.now()}` });
  try {
    await app.start();
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => console.log(`${output}: ${message.key?.toString() ?? 'null'} -> ${message.value?.toString() ?? 'null (deleted)'}`),
    });
    const producer = kafka.producer();
    await producer.connect();
    for (const [topic, records] of inputs) {
      await producer.send({ topic, messages: records.map((record) => ({ key: record.key, value: record.value, timestamp: String(record.timestamp) })) });
    }
    await producer.disconnect();
    console.log(`${name}: inputs written; printing ${output} for ${runForMs / 1000} s (Ctrl-C stops)`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, runForMs);
      process.once('SIGINT', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    await consumer.disconnect();
    await app.close();
    broker.stop();
  }
}
