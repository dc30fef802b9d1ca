/**
 * Fills the input topic (2 partitions, keys from a 10,000-key space, fixed-size values) and the
 * 10,000-key table topic once; a later run with the same record count and value size reuses them.
 */
import { CompressionTypes, Partitioners, type Admin, type Kafka, type Message } from 'kafkajs';
import { whileRetriable } from '../../lib/kafka/topic-admin.ts';

export const PARTITIONS = 2;
export const KEY_SPACE = 10_000;
// kafkajs' send time grows faster than linearly with the records per request (bench/restore):
// many mid-sized sends in flight fill fastest.
const RECORDS_PER_SEND = 5_000;
const SENDS_IN_FLIGHT = 8;

/** Integer-like keys; 7919 is prime to 10,000, so every 10,000 records use every key once. */
export const keyOf = (i: number): string => String((i * 7919) % KEY_SPACE);

function valueOf(i: number, valueBytes: number): Buffer {
  const value = Buffer.alloc(valueBytes, 0x78); // 'x'
  value.write(`value-${i}-`, 0, 'latin1');
  return value;
}

export interface InputTopics {
  readonly input: string;
  readonly table: string;
  /** Ms spent filling (0 when reused). */
  readonly fillMs: number;
}

export async function preload(kafka: Kafka, admin: Admin, records: number, valueBytes: number, log: (line: string) => void): Promise<InputTopics> {
  const input = `bench-input-${records}x${valueBytes}`;
  const table = `bench-table-${KEY_SPACE}x${valueBytes}`;
  const started = Date.now();
  // Event time: 10 records per ms, ending now; table rows are older than every stream record so
  // that Kafka Streams, which picks the record with the smallest timestamp, loads them first.
  const base = Date.now() - Math.ceil(records / 10) - 1000;
  let filled = false;
  if (!(await holds(admin, table, KEY_SPACE))) {
    log(`filling ${table} with ${KEY_SPACE.toLocaleString('en')} records`);
    await fill(kafka, admin, table, KEY_SPACE, (i) => ({ key: keyOf(i), value: valueOf(i, valueBytes), timestamp: String(base - 1000) }));
    filled = true;
  }
  if (!(await holds(admin, input, records))) {
    log(`filling ${input} with ${records.toLocaleString('en')} records of ${valueBytes} bytes`);
    await fill(kafka, admin, input, records, (i) => ({ key: keyOf(i), value: valueOf(i, valueBytes), timestamp: String(base + Math.floor(i / 10)) }));
    filled = true;
  }
  return { input, table, fillMs: filled ? Date.now() - started : 0 };
}

async function holds(admin: Admin, topic: string, records: number): Promise<boolean> {
  if (!(await admin.listTopics()).includes(topic)) return false;
  // A broker that has just started answers NOT_LEADER_FOR_PARTITION until it has loaded its logs.
  const offsets = await whileRetriable(() => admin.fetchTopicOffsets(topic), 60_000);
  const total = offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  return offsets.length === PARTITIONS && total === records;
}

async function fill(kafka: Kafka, admin: Admin, topic: string, records: number, message: (i: number) => Message): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) {
    await admin.deleteTopics({ topics: [topic] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sends = new Set<Promise<unknown>>();
    for (let from = 0; from < records; from += RECORDS_PER_SEND) {
      const messages: Message[] = [];
      for (let i = from; i < Math.min(from + RECORDS_PER_SEND, records); i++) messages.push(message(i));
      const send = producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
      sends.add(send);
      void send.finally(() => sends.delete(send)).catch(() => {});
      if (sends.size >= SENDS_IN_FLIGHT) await Promise.race(sends);
    }
    await Promise.all(sends);
  } finally {
    await producer.disconnect();
  }
}
