import { randomUUID } from 'node:crypto';
import type { Admin, IHeaders, Kafka as KafkaClient, Producer } from 'kafkajs';
// Through the library, which loads kafkajs with its read_committed fix in.
import { kafkajs } from '../../lib/kafka/kafkajs.ts';

// The library's own kafkajs, so that specs read committed output with its read_committed fix.
const { Kafka, Partitioners, logLevel } = kafkajs();
import { createTopicsAndWait } from '../../lib/kafka/topic-admin.ts';
import { kafkaBrokers } from './kafka-broker.ts';
import { lineLogger, type Logger } from '../../lib/logger.ts';

export interface ReadRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: number;
  readonly headers: IHeaders;
}

/** A kafkajs client per spec, unique names, and bounded waits, in the manner of kafkajs' own tests. */
export class KafkaTestContext {
  readonly kafka: KafkaClient;
  readonly id = randomUUID().slice(0, 8);
  private readonly closers: (() => Promise<unknown>)[] = [];

  private constructor(readonly brokers: string[]) {
    this.kafka = new Kafka({ clientId: `spec-${this.id}`, brokers, logLevel: logLevel.NOTHING });
  }

  /** On the shared broker, or on `brokers` (a broker a spec owns, such as one it stops and starts). */
  static async create(brokers?: string[]): Promise<KafkaTestContext> {
    return new KafkaTestContext(brokers ?? (await kafkaBrokers()));
  }

  name(prefix: string): string {
    return `${prefix}-${this.id}`;
  }

  async admin(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    this.closers.push(() => admin.disconnect());
    return admin;
  }

  async createTopic(topic: string, numPartitions = 1): Promise<void> {
    const admin = await this.admin();
    await createTopicsAndWait(admin, [{ topic, numPartitions }]);
  }

  async producer(): Promise<Producer> {
    // Idempotent: a request kafkajs retries (a topic just created) must not write records twice.
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    this.closers.push(() => producer.disconnect());
    return producer;
  }

  async produce(
    topic: string,
    messages: { key?: string | Buffer | null; value: string | Buffer | null; partition?: number; headers?: IHeaders; timestamp?: string }[],
  ): Promise<void> {
    const producer = await this.producer();
    for (let i = 0; i < messages.length; i += 5000) await producer.send({ topic, messages: messages.slice(i, i + 5000), acks: -1 });
  }

  /** Reads a topic from the beginning until `count` records arrived or `timeoutMs` passed. */
  readTopic(topic: string, count: number, timeoutMs = 30_000, isolation: 'read_committed' | 'read_uncommitted' = 'read_uncommitted'): Promise<ReadRecord[]> {
    return this.readTopicUntil(
      topic,
      (records) => records.length >= count,
      timeoutMs,
      isolation,
      () => `${count} records`,
    );
  }

  /** Reads a topic from the beginning until what arrived satisfies `done`, or fails after `timeoutMs`. */
  async readTopicUntil(
    topic: string,
    done: (records: readonly ReadRecord[]) => boolean,
    timeoutMs = 30_000,
    isolation: 'read_committed' | 'read_uncommitted' = 'read_uncommitted',
    describe: () => string = () => 'the expected records',
  ): Promise<ReadRecord[]> {
    const consumer = this.kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100, readUncommitted: isolation === 'read_uncommitted' });
    this.closers.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const records: ReadRecord[] = [];
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ key: message.key, value: message.value, partition, offset: Number(message.offset), headers: message.headers ?? {} });
      },
    });
    await waitFor(
      () => done(records),
      timeoutMs,
      () => `${records.length} records arrived on ${topic}, not ${describe()}`,
    );
    await consumer.stop();
    return records;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.closers.reverse().map((close) => close()));
    this.closers.length = 0;
  }
}

/** Polls until `condition` holds; fails after `timeoutMs` with what `describe` says. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A logger that keeps the last lines (info and up) in memory, for a spec to print when it fails:
 * what the instances and kafkajs said around a rebalance that did not happen.
 */
export function recordingLogger(tag: string, keep = 200): { logger: Logger; tail: (lines?: number) => string } {
  const lines: string[] = [];
  const logger = lineLogger('info', tag, (line) => {
    lines.push(line);
    if (lines.length > keep) lines.shift();
  });
  return { logger, tail: (count = 40) => lines.slice(-count).join('\n') };
}
