// kafkajs decodes each record of a fetch with a Decoder object and a Buffer slice of its own,
// and adds its offset and timestamp deltas through Long (BigInt) objects parsed from strings:
// most of a restore's decoding time and garbage. This decoder reads a record batch (magic 2) in
// place with plain numbers, falling back on BigInt only past 2^53, and gives every record and
// batch exactly the fields, order and values kafkajs' recordBatch/v0/decoder.js gives them.

import { COMPRESSION_CODEC_MASK, CONTROL_FLAG, LOG_APPEND_TIME_FLAG, TRANSACTIONAL_FLAG } from './record-batch-format.ts';

/** What kafkajs' Decoder holds: the fetch response's records and where the next batch starts. */
export interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
}

/** The parts of the private kafkajs copy this decoder needs (its codecs and partial-message error). */
export interface DecoderInternals {
  readonly codecs: Readonly<Record<number, (() => { decompress(buffer: Buffer): Promise<Buffer> }) | undefined>>;
  readonly PartialMessageError: new (message: string) => Error;
}

export interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
  readonly magicByte: number;
}

export interface DecodedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

const CREATE_TIME = 0;
const LOG_APPEND_TIME = 1;
const TWO_32 = 2 ** 32;

let internals: DecoderInternals | undefined;

/** Gives the decoder the private copy's codecs and error class (kafkajs.ts, once the copy is loaded). */
export function bindRecordBatchDecoder(bound: DecoderInternals): void {
  internals = bound;
}

/** kafkajs' recordBatch/v0/decoder.js, same contract: reads one batch from `fetchDecoder` and moves past it. */
export async function decodeRecordBatch(fetchDecoder: KafkajsDecoder): Promise<BatchContextWithRecords> {
  const source = fetchDecoder.buffer;
  const start = fetchDecoder.offset;
  const firstOffsetParts = readInt64(source, start);
  const length = source.readInt32BE(start + 8);
  const begin = start + 12;
  fetchDecoder.offset = begin + length;
  const end = Math.min(begin + length, source.length);
  if (end - begin < length) {
    throw new (bound().PartialMessageError)(`Tried to decode a partial record batch: remainingBytes(${end - begin}) < recordBatchLength(${length})`);
  }
  // The CRC (at begin + 5) is not checked, as kafkajs does not check it.
  const partitionLeaderEpoch = source.readInt32BE(begin);
  const magicByte = source.readInt8(begin + 4);
  const attributes = source.readInt16BE(begin + 9);
  const lastOffsetDelta = source.readInt32BE(begin + 11);
  const firstTimestampParts = readInt64(source, begin + 15);
  const maxTimestamp = String(readInt64(source, begin + 23));
  const producerId = String(readInt64(source, begin + 31));
  const producerEpoch = source.readInt16BE(begin + 39);
  const firstSequence = source.readInt32BE(begin + 41);
  const recordContext = {
    firstOffset: String(firstOffsetParts),
    firstTimestamp: String(firstTimestampParts),
    partitionLeaderEpoch,
    inTransaction: (attributes & TRANSACTIONAL_FLAG) > 0,
    isControlBatch: (attributes & CONTROL_FLAG) > 0,
    lastOffsetDelta,
    producerId,
    producerEpoch,
    firstSequence,
    maxTimestamp,
    timestampType: (attributes & LOG_APPEND_TIME_FLAG) > 0 ? LOG_APPEND_TIME : CREATE_TIME,
  };
  const batchContext: BatchContext = { ...recordContext, magicByte };
  const count = source.readInt32BE(begin + 45);
  // Looked up before the records, as kafkajs does: a batch of an unsupported codec fails even when empty.
  const lookup = bound().codecs[attributes & COMPRESSION_CODEC_MASK];
  const codec = lookup ? lookup() : null;
  let records: DecodedRecord[];
  if (!codec) {
    records = count === -1 ? [] : decodeRecords(source, begin + 49, count, batchContext, firstOffsetParts, firstTimestampParts);
  } else if (count <= 0) {
    records = [];
  } else {
    const decompressed = await codec.decompress(source.subarray(begin + 49, end));
    records = decodeRecords(decompressed, 0, count, batchContext, firstOffsetParts, firstTimestampParts);
  }
  return { ...recordContext, records };
}

export type BatchContextWithRecords = Omit<BatchContext, 'magicByte'> & { records: DecodedRecord[] };

function bound(): DecoderInternals {
  if (!internals) throw new Error('decodeRecordBatch used before bindRecordBatchDecoder (only the private kafkajs copy decodes with it)');
  return internals;
}

/** An int64 as a number when it is one exactly, else as a bigint. */
function readInt64(buffer: Buffer, at: number): number | bigint {
  const high = buffer.readInt32BE(at);
  const low = buffer.readUInt32BE(at + 4);
  // |value| < 2^53 exactly when the high word is within +-2^21.
  return high >= -0x200000 && high < 0x200000 ? high * TWO_32 + low : buffer.readBigInt64BE(at);
}

/** a + b as a string, exact as kafkajs' Long (BigInt) sum. */
function sumString(a: number | bigint, b: number | bigint): string {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return String(sum);
  }
  return String(BigInt(a) + BigInt(b));
}

function decodeRecords(
  buffer: Buffer,
  from: number,
  count: number,
  batchContext: BatchContext,
  firstOffset: number | bigint,
  firstTimestamp: number | bigint,
): DecodedRecord[] {
  const records: DecodedRecord[] = new Array(count);
  const logAppendTime = batchContext.timestampType === LOG_APPEND_TIME && batchContext.maxTimestamp;
  const { magicByte, isControlBatch } = batchContext;
  const reader = new Reader(buffer, from);
  for (let i = 0; i < count; i++) {
    const size = reader.varInt();
    const recordEnd = reader.at + size;
    const attributes = buffer.readInt8(reader.at++);
    const timestampDelta = reader.varLong();
    const timestamp = logAppendTime ? batchContext.maxTimestamp : sumString(firstTimestamp, timestampDelta);
    const offset = sumString(firstOffset, reader.varInt());
    const key = reader.bytes();
    const value = reader.bytes();
    const headerCount = reader.varInt();
    const headers = headerCount > 0 ? reader.headers(headerCount) : {};
    records[i] = { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext };
    reader.at = recordEnd;
  }
  return records;
}

/** Varints and length-prefixed fields read in place (Kafka's zigzag encoding). */
class Reader {
  constructor(
    readonly buffer: Buffer,
    public at: number,
  ) {}

  varInt(): number {
    const buffer = this.buffer;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buffer[this.at++]!;
      result += (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    return (result >>> 1) ^ -(result & 1);
  }

  /** A zigzag varlong: a number while exact, a bigint past 2^53. */
  varLong(): number | bigint {
    const buffer = this.buffer;
    let result = 0;
    let scale = 1;
    let byte: number;
    const first = this.at;
    do {
      byte = buffer[this.at++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80 && scale < 2 ** 49);
    if (byte < 0x80) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    this.at = first;
    return this.bigVarLong();
  }

  private bigVarLong(): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      if (shift > 63n) throw new Error('Invalid Long, must contain 9 bytes or less');
      byte = this.buffer[this.at++]!;
      result += BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte >= 0x80);
    return (result >> 1n) ^ -(result & 1n);
  }

  bytes(): Buffer | null {
    const length = this.varInt();
    if (length === -1) return null;
    const bytes = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return bytes;
  }

  string(): string | null {
    const length = this.varInt();
    if (length === -1) return null;
    const text = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return text;
  }

  /** Headers as kafkajs gives them: by key, a repeated key's values in an array, in order. */
  headers(count: number): Record<string, Buffer | null | (Buffer | null)[]> {
    const headers: Record<string, Buffer | null | (Buffer | null)[]> = {};
    for (let i = 0; i < count; i++) {
      const key = String(this.string());
      const value = this.bytes();
      // Looked up as kafkajs does (`obj[key]`, inherited properties included).
      const existing = headers[key];
      const next = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      // An own property even for '__proto__', as kafkajs' object spread makes it.
      Object.defineProperty(headers, key, { value: next, writable: true, enumerable: true, configurable: true });
    }
    return headers;
  }
}
