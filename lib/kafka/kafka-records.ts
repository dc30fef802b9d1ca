import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { NO_HEADERS, type ConsumedRecord, type ProducedRecord, type RecordHeaders } from '../processor/record.ts';

// kafkajs hands out offsets and timestamps as strings: they become numbers here, once.

export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord<Buffer | null, Buffer | null> {
  const headers = message.headers as RecordHeaders | undefined;
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers: headers && Object.keys(headers).length > 0 ? headers : NO_HEADERS,
  };
}

export function toKafkaMessage(record: ProducedRecord<unknown, unknown>): Message {
  const message: Message = {
    key: record.key as Buffer | null,
    value: record.value as Buffer | null,
    timestamp: String(record.timestamp),
  };
  if (record.partition !== undefined) message.partition = record.partition;
  if (record.headers !== NO_HEADERS) message.headers = record.headers as IHeaders;
  return message;
}

/** Groups records by topic for one `sendBatch`, keeping their order within each topic. */
export function toTopicMessages(records: readonly ProducedRecord<unknown, unknown>[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) byTopic.set(record.topic, (messages = []));
    messages.push(toKafkaMessage(record));
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
