import { crc32c } from './crc32c.ts';
import { NO_COMPRESSION, RECORD_BATCH_MAGIC, TRANSACTIONAL_FLAG } from './record-batch-format.ts';

// kafkajs encodes a produce request through generic code: an Encoder (a growing Buffer) per
// record, per header and per batch, copied into the next one up; 64-bit varints through a Long
// class; and the batch's first timestamp found by sorting every timestamp as a string. That was
// the largest cost of a task that produces (about a third of the CPU of the Kafka benchmarks).
// This writes the same request body (Produce v3-v7) in two passes: the size of everything, then
// every byte into one Buffer. Compressed requests stay with kafkajs' own encoder.

/** A header value as kafkajs takes it. */
type HeaderValue = Buffer | string | null | undefined;

/** A message as kafkajs' producer hands it to the produce request. */
export interface ProduceMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly timestamp?: string | number | null;
  readonly headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
}

/** What kafkajs' producer passes to the produce request it looks up (requests/produce/vN). */
export interface ProduceRequestArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  /** A kafkajs Long (a BigInt in `value`), a string or a number. */
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly firstSequence?: number; readonly messages: readonly ProduceMessage[] }[];
  }[];
}

/** A request as kafkajs' connection sends it: encode() gives something with a `buffer`. */
interface KafkajsRequest {
  readonly apiVersion: number;
  encode(): Promise<{ readonly buffer: Buffer }>;
}

/** kafkajs' `protocol/requests/produce/index.js`: a request and its response decoder per version. */
export interface ProduceRequests {
  readonly versions: readonly string[];
  protocol(args: { version: number }): ((args: ProduceRequestArgs) => { request: KafkajsRequest; response: unknown }) | undefined;
}

const FIRST_BATCH_VERSION = 3; // v3 brought record batches (magic 2); v4-v7 send the same body
// baseOffset .. record count: the part of a batch before its first record.
const BATCH_HEADER_BYTES = 61;
// baseOffset and batchLength are not counted in batchLength; the CRC covers attributes onward.
const BATCH_LENGTH_OFFSET = 8;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

/**
 * The replacement of kafkajs' `protocol/requests/produce/index.js`: kafkajs' own request objects
 * and response decoders, with the body of uncompressed v3-v7 requests encoded here. (kafkajs
 * requires each version's modules when first used, after this library's private copy is loaded,
 * so the version modules themselves cannot be replaced; this module is required up front.)
 */
export function produceRequests(stock: ProduceRequests): ProduceRequests {
  return {
    versions: stock.versions,
    protocol({ version }) {
      const stockVersion = stock.protocol({ version });
      if (!stockVersion || version < FIRST_BATCH_VERSION) return stockVersion;
      return (args) => {
        const built = stockVersion(args);
        if ((args.compression ?? NO_COMPRESSION) !== NO_COMPRESSION) return built;
        return { request: { ...built.request, encode: async () => ({ buffer: encodeProduceRequest(args, Date.now()) }) }, response: built.response };
      };
    },
  };
}

/** A bad value in a message: not worth retrying, and named so the user can find it. */
class InvalidMessageError extends TypeError {
  readonly retriable = false;
}

// Per record of the request being encoded, from pass one for pass two: its body size and its
// timestamp delta; per partition, its batch's first and largest timestamps.
let recordSizes = new Int32Array(4096);
let timestampDeltas = new Float64Array(4096);
const batchTimestamps: number[] = [];

/** The body of a Produce v3 request for uncompressed batches; `now` stands for missing timestamps. */
export function encodeProduceRequest(args: ProduceRequestArgs, now: number): Buffer {
  const transactionalId = args.transactionalId ?? null;
  const producerId = toBigInt(args.producerId ?? -1);
  const producerEpoch = args.producerEpoch ?? 0;
  const attributes = transactionalId === null ? 0 : TRANSACTIONAL_FLAG;

  // Pass one: every size.
  let records = 0;
  for (const { partitions } of args.topicData) for (const { messages } of partitions) records += messages.length;
  if (recordSizes.length < records) {
    recordSizes = new Int32Array(Math.max(records, recordSizes.length * 2));
    timestampDeltas = new Float64Array(recordSizes.length);
  }
  batchTimestamps.length = 0;
  let size = 2 + utf8Length(transactionalId) + 2 + 4 + 4;
  let index = 0;
  for (const { topic, partitions } of args.topicData) {
    size += 2 + utf8Length(topic) + 4;
    for (const { partition, messages } of partitions) {
      // The batch's first (smallest) and largest timestamps: deltas from the first are never negative.
      let first = messages.length === 0 ? now : Infinity;
      let max = messages.length === 0 ? now : -Infinity;
      for (let i = 0; i < messages.length; i++) {
        const timestamp = timestampOf(messages[i]!, now, topic, partition);
        timestampDeltas[index + i] = timestamp;
        if (timestamp < first) first = timestamp;
        if (timestamp > max) max = timestamp;
      }
      batchTimestamps.push(first, max);
      size += 4 + 4 + BATCH_HEADER_BYTES;
      for (let i = 0; i < messages.length; i++, index++) {
        const delta = (timestampDeltas[index] = timestampDeltas[index]! - first);
        const body = recordBodySize(messages[i]!, i, delta);
        recordSizes[index] = body;
        size += varIntSize(body) + body;
      }
    }
  }

  // Pass two: every byte.
  const buffer = Buffer.allocUnsafe(size);
  let at = writeString(buffer, 0, transactionalId);
  at = buffer.writeInt16BE(args.acks, at);
  at = buffer.writeInt32BE(args.timeout, at);
  at = buffer.writeInt32BE(args.topicData.length, at);
  index = 0;
  let batchIndex = 0;
  for (const { topic, partitions } of args.topicData) {
    at = writeString(buffer, at, topic);
    at = buffer.writeInt32BE(partitions.length, at);
    for (const { partition, firstSequence, messages } of partitions) {
      const first = batchTimestamps[batchIndex++]!;
      const max = batchTimestamps[batchIndex++]!;
      at = buffer.writeInt32BE(partition, at);
      const sizeAt = at;
      const batch = at + 4;
      at = batch;
      at = buffer.writeBigInt64BE(0n, at); // baseOffset: the broker assigns offsets
      at += 4; // batchLength, below
      at = buffer.writeInt32BE(0, at); // partitionLeaderEpoch (kafkajs sends 0)
      at = buffer.writeInt8(RECORD_BATCH_MAGIC, at);
      at += 4; // CRC, below
      at = buffer.writeInt16BE(attributes, at);
      at = buffer.writeInt32BE(messages.length - 1, at); // lastOffsetDelta
      at = buffer.writeBigInt64BE(BigInt(first), at);
      at = buffer.writeBigInt64BE(BigInt(max), at);
      at = buffer.writeBigInt64BE(producerId, at);
      at = buffer.writeInt16BE(producerEpoch, at);
      at = buffer.writeInt32BE(firstSequence ?? 0, at);
      at = buffer.writeInt32BE(messages.length, at);
      for (let i = 0; i < messages.length; i++, index++) at = writeRecord(buffer, at, recordSizes[index]!, messages[i]!, i, timestampDeltas[index]!);
      buffer.writeInt32BE(at - batch, sizeAt);
      buffer.writeInt32BE(at - batch - BATCH_LENGTH_OFFSET - 4, batch + BATCH_LENGTH_OFFSET);
      buffer.writeUInt32BE(crc32c(buffer, batch + ATTRIBUTES_OFFSET, at), batch + CRC_OFFSET);
    }
  }
  if (at !== size) throw new Error(`Produce request encoding wrote ${at} bytes where it sized ${size} (a bug in rx-kafka-streams)`);
  return buffer;
}

function timestampOf(message: ProduceMessage, now: number, topic: string, partition: number): number {
  if (message.timestamp == null) return now;
  const timestamp = Number(message.timestamp);
  if (!Number.isSafeInteger(timestamp)) {
    throw new InvalidMessageError(`Cannot produce to ${topic}-${partition}: a message's timestamp ${String(message.timestamp)} is not a whole number of ms`);
  }
  return timestamp;
}

function recordBodySize(message: ProduceMessage, offsetDelta: number, timestampDelta: number): number {
  let size = 1 + varLongSize(timestampDelta) + varIntSize(offsetDelta) + bytesFieldSize(message.key) + bytesFieldSize(message.value);
  const headers = message.headers;
  let count = 0;
  if (headers) {
    for (const name in headers) {
      const value = headers[name];
      const nameBytes = Buffer.byteLength(name);
      if (Array.isArray(value)) {
        for (const each of value as readonly HeaderValue[]) size += varIntSize(nameBytes) + nameBytes + bytesFieldSize(each);
        count += value.length;
      } else {
        size += varIntSize(nameBytes) + nameBytes + bytesFieldSize(value as HeaderValue);
        count++;
      }
    }
  }
  return size + varIntSize(count);
}

function writeRecord(buffer: Buffer, at: number, bodySize: number, message: ProduceMessage, offsetDelta: number, timestampDelta: number): number {
  at = writeVarInt(buffer, at, bodySize);
  buffer[at++] = 0; // attributes (unused)
  at = writeVarLong(buffer, at, timestampDelta);
  at = writeVarInt(buffer, at, offsetDelta);
  at = writeBytesField(buffer, at, message.key);
  at = writeBytesField(buffer, at, message.value);
  const headers = message.headers;
  if (!headers) return writeVarInt(buffer, at, 0);
  let count = 0;
  for (const name in headers) {
    const value = headers[name];
    count += Array.isArray(value) ? value.length : 1;
  }
  at = writeVarInt(buffer, at, count);
  for (const name in headers) {
    const value = headers[name];
    for (const each of Array.isArray(value) ? (value as readonly HeaderValue[]) : [value as HeaderValue]) {
      at = writeVarInt(buffer, at, Buffer.byteLength(name));
      at += buffer.write(name, at);
      at = writeBytesField(buffer, at, each);
    }
  }
  return at;
}

// ---- primitive fields -----------------------------------------------------------------------

function utf8Length(value: string | null): number {
  return value === null ? 0 : Buffer.byteLength(value);
}

/** An INT16-length string; null as length -1. */
function writeString(buffer: Buffer, at: number, value: string | null): number {
  if (value === null) return buffer.writeInt16BE(-1, at);
  const length = Buffer.byteLength(value);
  at = buffer.writeInt16BE(length, at);
  return at + buffer.write(value, at);
}

/** A varint-length byte field (a key, a value, a header value); null as length -1. */
function bytesFieldSize(value: Buffer | string | null | undefined): number {
  if (value == null) return 1;
  const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  return varIntSize(length) + length;
}

function writeBytesField(buffer: Buffer, at: number, value: Buffer | string | null | undefined): number {
  if (value == null) {
    buffer[at] = 1; // zigzag(-1)
    return at + 1;
  }
  if (typeof value === 'string') {
    at = writeVarInt(buffer, at, Buffer.byteLength(value));
    return at + buffer.write(value, at);
  }
  at = writeVarInt(buffer, at, value.length);
  buffer.set(value, at);
  return at + value.length;
}

// Varints are zigzag-encoded. Every value written here is >= -1 (lengths, deltas from the
// smallest timestamp, counts); the 64-bit one also goes past 2^31 (a delta in ms).

function varIntSize(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (zigzag > 0x7f) {
    zigzag >>>= 7;
    size++;
  }
  return size;
}

function writeVarInt(buffer: Buffer, at: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag > 0x7f) {
    buffer[at++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buffer[at++] = zigzag;
  return at;
}

function varLongSize(value: number): number {
  if (value < 0x40000000) return varIntSize(value);
  let zigzag = value * 2;
  let size = 1;
  while (zigzag > 0x7f) {
    zigzag = Math.floor(zigzag / 128);
    size++;
  }
  return size;
}

function writeVarLong(buffer: Buffer, at: number, value: number): number {
  if (value < 0x40000000) return writeVarInt(buffer, at, value);
  let zigzag = value * 2;
  while (zigzag > 0x7f) {
    buffer[at++] = (zigzag % 128) | 0x80;
    zigzag = Math.floor(zigzag / 128);
  }
  buffer[at++] = zigzag;
  return at;
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'bigint') return (value as { value: bigint }).value;
  return BigInt(value as string | number);
}
