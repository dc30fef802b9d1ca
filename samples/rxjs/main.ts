// Plain RxJS over Kafka (fromTopic/toTopic, no topology) on the local broker: npm run sample:rxjs
import { Kafka, logLevel } from 'kafkajs';
import { createMissingTopics, useBroker } from '../local-broker.ts';
import { shout } from './shout.ts';

const broker = useBroker();
const kafka = new Kafka({ clientId: 'rxjs-sample', brokers: broker.brokers, logLevel: logLevel.ERROR });
await createMissingTopics(kafka, ['words', 'shouts'], 2);
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: 'words', messages: ['hello', 'rxjs', 'over', 'kafka'].map((word) => ({ key: word, value: word })) });
await producer.disconnect();

const subscription = shout(kafka, 'words', 'shouts', `rxjs-sample-${Date.now()}`).subscribe({
  next: (sent) => console.log(`shouts: wrote ${sent.length} batch(es) of records`),
  error: (error: unknown) => console.error(error),
});
await new Promise((resolve) => setTimeout(resolve, 10_000));
subscription.unsubscribe();
broker.stop();
console.log('rxjs: done (read the shouts topic to see them)');
