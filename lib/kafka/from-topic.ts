import { Observable, groupBy, type GroupedObservable } from 'rxjs';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { ConsumedRecord } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { deserializeOrThrow } from '../task/serde-errors.ts';
import { toConsumedRecord } from './kafka-records.ts';

/** How `fromTopic` reads a topic: as which consumer group, and with which serdes. */
export interface FromTopicOptions<K, V> {
  /** The consumer group that reads the topic and commits its offsets. */
  readonly groupId: string;
  /** Deserializes the records' keys. */
  readonly keySerde: Serde<K>;
  /** Deserializes the records' values. */
  readonly valueSerde: Serde<V>;
  /** Start from the earliest offset when the group has none committed. Default true. */
  readonly fromBeginning?: boolean;
  /** kafkajs consumer settings (session timeout, heartbeat, max wait...); `groupId` comes from the option above. */
  readonly consumer?: Omit<ConsumerConfig, 'groupId'>;
}

/**
 * A topic as partition-keyed Observables: one inner Observable per partition, each in offset
 * order, for plain RxJS over Kafka. A consumer group reads the topic while subscribed; offsets
 * of a fetched batch are committed once every record of it was handed to the subscribers
 * (synchronously, so work done inside `next` is done before the commit).
 *
 * ```ts
 * fromTopic(kafka, 'orders', { groupId: 'audit', keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
 *   .pipe(mergeMap((partition$) => partition$.pipe(bufferCount(100))))
 *   .subscribe((batch) => console.log(batch.length));
 * ```
 */
export function fromTopic<K, V>(kafka: Kafka, topic: string, options: FromTopicOptions<K, V>): Observable<GroupedObservable<number, ConsumedRecord<K, V>>> {
  const records$ = new Observable<ConsumedRecord<K, V>>((subscriber) => {
    let stopped = false;
    const consumer = kafka.consumer({
      ...options.consumer,
      groupId: options.groupId,
      // Not once unsubscribed: a restart racing the disconnect would leave the consumer running, unowned.
      retry: {
        ...options.consumer?.retry,
        restartOnFailure: async (error) => !stopped && ((await options.consumer?.retry?.restartOnFailure?.(error)) ?? true),
      },
    });
    const start = async (): Promise<void> => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (const message of batch.messages) {
            if (stopped || !isRunning() || isStale()) return;
            const raw = toConsumedRecord(batch.topic, batch.partition, message);
            const location = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
            let record: ConsumedRecord<K, V>;
            try {
              const key = deserializeOrThrow(options.keySerde, topic, raw.key, 'key', () => location) as K;
              const value = deserializeOrThrow(options.valueSerde, topic, raw.value, 'value', () => location) as V;
              record = { ...raw, key, value };
            } catch (error) {
              // Unreadable bytes end the stream here; the offset stays uncommitted, so nothing is lost.
              stopped = true;
              subscriber.error(error);
              return;
            }
            subscriber.next(record);
            resolveOffset(message.offset);
          }
          await heartbeat();
        },
      });
    };
    start().catch((error) => subscriber.error(error));
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) subscriber.error(event.payload.error);
    });
    return () => {
      stopped = true;
      void consumer.disconnect();
    };
  });
  return records$.pipe(groupBy((record) => record.partition));
}
