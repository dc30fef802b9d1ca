/**
 * Raw kafkajs, the ceiling on this client: `consume` (eachBatch, nothing else) and
 * `consume-produce` (eachBatch -> sendBatch of the same keys and values, acks all, awaited
 * before the batch's offsets are resolved). Same consumer settings as KafkaStreams' group consumer.
 * A fetched batch goes out in requests of at most 500 messages, as rx-kafka-streams sends:
 * kafkajs regroups a request's messages per partition at a cost that grows with the square of
 * their number, so one request per fetched batch (~8,000 messages) is no ceiling.
 */
import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { emit, runWorker, settingsFromArgv, stopRequested } from './protocol.ts';

const settings = settingsFromArgv();
const MESSAGES_PER_REQUEST = 500;

runWorker(async () => {
  const kafka = new Kafka({ clientId: settings.appId, brokers: settings.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: settings.appId, heartbeatInterval: 1000, sessionTimeout: 10_000, maxWaitTimeInMs: 100 });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const produce = settings.workload === 'consume-produce';
  if (produce) await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [settings.input], fromBeginning: true });
  let seen = 0;
  let first = true;
  await consumer.run({
    autoCommitInterval: settings.commitIntervalMs,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      if (first) {
        first = false;
        emit({ event: 'first', t: Date.now() });
      }
      if (produce) {
        for (let start = 0; start < batch.messages.length; start += MESSAGES_PER_REQUEST) {
          const messages: Message[] = batch.messages
            .slice(start, start + MESSAGES_PER_REQUEST)
            .map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp }));
          await producer.sendBatch({ topicMessages: [{ topic: settings.output, messages }], acks: -1, compression: CompressionTypes.None });
        }
      }
      seen += batch.messages.length;
      if (seen === settings.records) emit({ event: 'done', t: Date.now() });
    },
  });
  emit({ event: 'started' });
  await stopRequested();
  await consumer.disconnect();
  await producer.disconnect();
});
