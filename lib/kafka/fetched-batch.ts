import { dropAbortedMessages, type AbortedTransaction, type FilterableMessage } from './aborted-messages-filter.ts';

// kafkajs' consumer/batch.js, the same class but for one thing: it parsed every fetched record's
// offset into a Long (a BigInt behind an object) to compare it with the fetched offset, a
// restore's second largest decoding cost. Offsets are compared as numbers here while exact.

interface PartitionData<M> {
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: M[];
  readonly abortedTransactions?: AbortedTransaction[];
}

type FetchedMessage = FilterableMessage & { readonly isControlRecord?: boolean };

/** Offsets of up to 15 digits are exact as numbers (2^53 has 16). */
const EXACT_DIGITS = 15;

/** `offset >= from` for decimal offset strings, as kafkajs' Long comparison gives it. */
function atLeast(from: string): (offset: string) => boolean {
  const fromNumber = Number(from);
  if (String(from).length <= EXACT_DIGITS && Number.isSafeInteger(fromNumber)) {
    return (offset) => (offset.length <= EXACT_DIGITS ? Number(offset) >= fromNumber : BigInt(offset) >= BigInt(fromNumber));
  }
  const fromBig = BigInt(from);
  return (offset) => BigInt(offset) >= fromBig;
}

/**
 * A batch collects messages returned from a single fetch call; it can hold several Kafka record
 * batches. Messages before the fetched offset, aborted transactions' records and control records
 * are not exposed.
 */
export class Batch<M extends FetchedMessage> {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly rawMessages: M[];
  readonly messagesWithinOffset: M[];
  readonly messages: M[];

  constructor(
    topic: string,
    readonly fetchedOffset: string,
    partitionData: PartitionData<M>,
  ) {
    const { abortedTransactions, messages } = partitionData;
    this.topic = topic;
    this.partition = partitionData.partition;
    this.highWatermark = partitionData.highWatermark;
    this.rawMessages = messages;
    // A fetch can return records before the offset asked for (the start of a compressed batch), as Kafka's Fetcher skips.
    const fromFetched = atLeast(fetchedOffset);
    this.messagesWithinOffset = this.rawMessages.filter((message) => fromFetched(message.offset));
    this.messages = dropAbortedMessages({ messages: this.messagesWithinOffset, abortedTransactions }).filter((message) => !message.isControlRecord);
  }

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  isEmptyIncludingFiltered(): boolean {
    return this.messagesWithinOffset.length === 0;
  }

  /** True when the fetch returned records and all were filtered out (compaction, control records or other reasons). */
  isEmptyDueToFiltering(): boolean {
    return this.isEmpty() && this.rawMessages.length > 0;
  }

  isEmptyControlRecord(): boolean {
    return this.isEmpty() && this.messagesWithinOffset.some(({ isControlRecord }) => isControlRecord);
  }

  /** True when the batch is empty because every record it returned came before the fetched offset (log compaction). */
  isEmptyDueToLogCompactedMessages(): boolean {
    return this.rawMessages.length > 0 && this.isEmptyIncludingFiltered();
  }

  firstOffset(): string | null {
    return this.isEmptyIncludingFiltered() ? null : this.messagesWithinOffset[0]!.offset;
  }

  lastOffset(): string {
    if (this.isEmptyDueToLogCompactedMessages()) return this.fetchedOffset;
    if (this.isEmptyIncludingFiltered()) return String(BigInt(this.highWatermark) - 1n);
    return this.messagesWithinOffset[this.messagesWithinOffset.length - 1]!.offset;
  }

  /** The lag after the last offset in the batch (also known as "high"). */
  offsetLag(): string {
    return String(BigInt(this.highWatermark) - 1n - BigInt(this.lastOffset()));
  }

  /** The lag after the first offset in the batch. */
  offsetLagLow(): string {
    if (this.isEmptyIncludingFiltered()) return '0';
    return String(BigInt(this.highWatermark) - 1n - BigInt(this.firstOffset()!));
  }
}
