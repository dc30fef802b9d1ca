import type { ConformanceTopology, InputKind } from './conformance-topology.ts';
import { int, str } from './catalogue/serdes.ts';

/** One input record, serialized: what both drivers are given. */
export interface InputRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** A topology and the inputs generated for it from one seed. */
export interface ConformanceCase {
  readonly topology: ConformanceTopology;
  readonly seed: number;
  readonly inputs: readonly InputRecord[];
}

const KEYS = ['a', 'b', 'c', 'd'];
const FOREIGN_KEYS = ['a', 'b', 'c', ''];
const RECORDS_PER_CASE = 40;

/** mulberry32: a small seeded generator, so a seed names the same inputs on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Inputs for one topology: keys from a small set (now and then a null key, where the topology asks for them), values 0-9 or
 * "fk#n" (about one in seven a null value, i.e. a tombstone for tables), the topics interleaved,
 * and time moving forward in steps of up to 2.5 s with one record in four out of order, up to
 * 9 s behind: enough to be late for the windows' grace, joins' windows and suppressions.
 */
export function generateCase(topology: ConformanceTopology, seed: number): ConformanceCase {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const valueOf = (kind: InputKind): Buffer | null => {
    if (next() < 0.15) return null;
    const n = Math.floor(next() * 10);
    return kind === 'int' ? int.serialize('', n) : str.serialize('', `${pick(FOREIGN_KEYS)}#${n}`);
  };
  const inputs: InputRecord[] = [];
  let time = 1000;
  for (let i = 0; i < RECORDS_PER_CASE; i++) {
    const { topic, kind } = pick(topology.inputs);
    const key = topology.nullKeys && next() < 0.05 ? null : str.serialize('', pick(KEYS));
    let timestamp: number;
    if (next() < 0.25) {
      timestamp = Math.max(0, time - Math.floor(next() * 9000));
    } else {
      time += Math.floor(next() * 2500);
      timestamp = time;
    }
    inputs.push({ topic, key, value: valueOf(kind), timestamp });
  }
  return { topology, seed, inputs };
}
