import { BufferSerde } from './buffer-serde.ts';
import { DoubleSerde } from './double-serde.ts';
import { IntSerde } from './int-serde.ts';
import { JsonSerde } from './json-serde.ts';
import { LongSerde } from './long-serde.ts';
import type { Serde } from './serde.ts';
import { StringSerde } from './string-serde.ts';
import { VoidSerde } from './void-serde.ts';
import { TimeWindowedSerde } from '../windows/time-windowed-serde.ts';
import { SessionWindowedSerde } from '../windows/session-windowed-serde.ts';
import type { Windowed } from '../windows/windowed.ts';

const stringSerde = new StringSerde();
const intSerde = new IntSerde();
const longSerde = new LongSerde();
const doubleSerde = new DoubleSerde();
const bufferSerde = new BufferSerde();
const voidSerde = new VoidSerde();
const jsonSerde = new JsonSerde<unknown>();

/**
 * The built-in serdes. Each is stateless, so the same instance is handed out every time.
 *
 * ```ts
 * import { Serdes } from 'rx-kafka-streams';
 * builder.stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() });
 * ```
 */
export const Serdes = {
  /** UTF-8 text, as Kafka's `Serdes.String()`. */
  String: (): Serde<string> => stringSerde,
  /** Any JSON value as UTF-8 JSON text; `T` is not checked when reading. Writing a bigint or a cycle throws. */
  Json: <T>(): Serde<T> => jsonSerde as Serde<T>,
  /** A 32-bit signed integer, 4 bytes big-endian, as Kafka's `Serdes.Integer()`; other numbers throw RangeError. */
  Int: (): Serde<number> => intSerde,
  /** A 64-bit signed integer as `bigint`, 8 bytes big-endian, as Kafka's `Serdes.Long()`; writing also takes a safe-integer number. */
  Long: (): Serde<bigint> => longSerde,
  /** An IEEE-754 double, 8 bytes big-endian, as Kafka's `Serdes.Double()`. */
  Double: (): Serde<number> => doubleSerde,
  /** Raw bytes, passed through untouched, as Kafka's `Serdes.ByteArray()`. */
  Buffer: (): Serde<Buffer> => bufferSerde,
  /** Always null, for keys or values that carry no data, as Kafka's `Serdes.Void()`; any other data throws. */
  Void: (): Serde<null> => voidSerde,
  /** A time-windowed key, byte-compatible with Kafka Streams' TimeWindowedSerde: inner key, then 8-byte window start. */
  Windowed: <K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> => new TimeWindowedSerde(inner, windowSizeMs),
  /** A session-windowed key, byte-compatible with Kafka Streams' SessionWindowedSerde: inner key, 8-byte end, 8-byte start. */
  SessionWindowed: <K>(inner: Serde<K>): Serde<Windowed<K>> => new SessionWindowedSerde(inner),
} as const;
