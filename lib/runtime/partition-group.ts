import type { KafkaMessage } from 'kafkajs';
import { topicPartitionKey, type TopicPartition } from '../kafka/topic-partition.ts';

/** Kafka Streams' `max.task.idle.ms` value that never waits for an empty partition. */
export const TASK_IDLE_DISABLED = -1;

/**
 * Fetched records of one input partition not processed yet (Kafka Streams' RecordQueue), and what
 * the task knows of the partition's end: how many records there are on the broker it has not
 * fetched yet.
 */
export class RecordQueue implements TopicPartition {
  private messages: KafkaMessage[] = [];
  private head = 0;
  /** The offset after the last record (or control record) fetched: where fetching goes on. */
  fetchedUpTo = -1;
  /** The partition's end offset as last heard (high watermark of a fetch, or asked at start); -1 unknown. */
  endOffset = -1;
  /** The timestamp of the record at the head; only read while the queue is not empty. */
  headTimestamp = 0;
  /** The offset of the last record of this queue processed since the task last marked it (-1: none). */
  lastTaken = -1;
  /** When the task noticed this partition empty with nothing more on the broker (for `maxTaskIdleMs`). */
  idleSince = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get size(): number {
    return this.messages.length - this.head;
  }

  /** Records on the broker this task has not fetched yet: -1 when it does not know. */
  get fetchLag(): number {
    if (this.endOffset < 0 || this.fetchedUpTo < 0) return -1;
    return Math.max(0, this.endOffset - this.fetchedUpTo);
  }

  /**
   * Appends the records of a fetched batch from `from` on (earlier ones are processed or queued
   * already: kafkajs fetches from the committed offset again after each rebalance). `last` is
   * the batch's last offset, control records included.
   */
  add(messages: readonly KafkaMessage[], from: number, last: number, highWatermark: number): number {
    const start = Math.max(from, this.fetchedUpTo);
    const wasEmpty = this.size === 0;
    let added = 0;
    for (const message of messages) {
      if (Number(message.offset) < start) continue;
      this.messages.push(message);
      added++;
    }
    this.advance(last, highWatermark);
    if (wasEmpty && added > 0) this.headTimestamp = Number(this.messages[this.head]!.timestamp);
    return added;
  }

  /** Fetching went on past `last` (a batch of control records only, or records added). */
  advance(last: number, highWatermark: number): void {
    if (last + 1 > this.fetchedUpTo) this.fetchedUpTo = last + 1;
    if (highWatermark > this.endOffset) this.endOffset = highWatermark;
  }

  /** Takes the head record. */
  take(): KafkaMessage {
    const message = this.messages[this.head]!;
    this.messages[this.head++] = undefined as unknown as KafkaMessage;
    if (this.head === this.messages.length) {
      this.messages = [];
      this.head = 0;
    } else {
      // Compact now and then, so that a long-lived queue does not keep a growing array.
      if (this.head >= 1024 && this.head * 2 >= this.messages.length) {
        this.messages = this.messages.slice(this.head);
        this.head = 0;
      }
      this.headTimestamp = Number(this.messages[this.head]!.timestamp);
    }
    return message;
  }

  clear(): void {
    this.messages = [];
    this.head = 0;
  }
}

/**
 * The records a task has fetched from its input partitions (Kafka Streams' PartitionGroup): the
 * next record it processes is always the buffered one with the lowest timestamp, so that a join
 * meets the table rows older than a stream record even when the consumer fetched the stream
 * first. While one of its partitions has nothing buffered but records on the broker, the task
 * waits for them; an empty partition with nothing more on the broker is waited for
 * `maxTaskIdleMs` (0: not at all; -1: never, records are processed as they come).
 */
export class PartitionGroup {
  private readonly queues = new Map<string, RecordQueue>();
  private readonly list: RecordQueue[] = [];
  /** Times the task went on without a partition it was idling on (Kafka's enforced processing). */
  enforcedProcessing = 0;

  constructor(
    partitions: readonly TopicPartition[],
    private readonly maxTaskIdleMs: number,
  ) {
    for (const { topic, partition } of partitions) {
      const queue = new RecordQueue(topic, partition);
      this.queues.set(topicPartitionKey(queue), queue);
      this.list.push(queue);
    }
  }

  get partitions(): readonly RecordQueue[] {
    return this.list;
  }

  queue(topic: string, partition: number): RecordQueue | undefined {
    return this.list.length === 1
      ? this.list[0]!.topic === topic && this.list[0]!.partition === partition
        ? this.list[0]
        : undefined
      : this.queues.get(topicPartitionKey({ topic, partition }));
  }

  /** Records buffered over all partitions. */
  get size(): number {
    let size = 0;
    for (const queue of this.list) size += queue.size;
    return size;
  }

  /**
   * The queue whose head record goes next, or undefined when the task must wait (nothing
   * buffered, or a partition is known to have records not fetched yet, or it is idling on one).
   */
  next(now: number): RecordQueue | undefined {
    const list = this.list;
    if (list.length === 1) return list[0]!.size > 0 ? list[0] : undefined;
    let best: RecordQueue | undefined;
    let enforced = false;
    for (const queue of list) {
      if (queue.size > 0) {
        queue.idleSince = -1;
        if (best === undefined || queue.headTimestamp < best.headTimestamp) best = queue;
        continue;
      }
      if (this.maxTaskIdleMs === TASK_IDLE_DISABLED) continue;
      const lag = queue.fetchLag;
      // Unknown or positive: records exist that the task has not fetched; wait for them.
      if (lag !== 0) {
        queue.idleSince = -1;
        return undefined;
      }
      if (queue.idleSince < 0) queue.idleSince = now;
      if (now - queue.idleSince < this.maxTaskIdleMs) return undefined;
      enforced = true;
    }
    if (best !== undefined && enforced) this.enforcedProcessing++;
    return best;
  }

  /** When idling on an empty partition ends (a time to look again), or undefined when it does not idle. */
  idleDeadline(): number | undefined {
    if (this.maxTaskIdleMs <= 0) return undefined;
    let deadline: number | undefined;
    for (const queue of this.list) {
      if (queue.size > 0 || queue.idleSince < 0) continue;
      const end = queue.idleSince + this.maxTaskIdleMs;
      if (deadline === undefined || end < deadline) deadline = end;
    }
    return deadline;
  }

  clear(): void {
    for (const queue of this.list) queue.clear();
  }
}
