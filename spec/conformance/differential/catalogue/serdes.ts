import { Serdes } from '../../../../lib/index.ts';
import { NumberLongSerde } from '../../../../lib/serdes/number-long-serde.ts';

// Serdes and helpers shared by the catalogue, byte-compatible with Java's String, Integer and
// Long serdes and written to compute what conformance/java/.../Catalogue.java computes.
export const str = Serdes.String();
export const int = Serdes.Int();
/** Counts are numbers here and Java longs on the wire, as Kafka Streams writes them. */
export const long = new NumberLongSerde();

/** What the aggregators add for a null value: a null that reaches them shows in the result. */
export const orNull = (value: number | null): number => (value === null ? 100 : value);

/** The joiners' result: both sides, "null" for a missing one (as Java's string concatenation). */
export const joined = (left: unknown, right: unknown): string => `${left}/${right}`;

/** The foreign key of a value "fk#n": the part before '#', null when empty. */
export const foreignKey = (value: string): string | null => {
  const key = value.slice(0, value.indexOf('#'));
  return key === '' ? null : key;
};

/** A windowed key as "key@start-end", so both sides compare plain strings. */
export const windowedKey = (key: { key: string; window: { start: number; end: number } }): string => `${key.key}@${key.window.start}-${key.window.end}`;
