import { compareKeys } from './ranking.ts';

/** Something tasks are spread over: a client (capacity = its threads) or a consumer (1). */
export interface Weighted {
  readonly id: string;
  readonly capacity: number;
}

/** An exact rational, so that equally good choices compare equal and ties break the same way every time. */
interface Fraction {
  readonly n: number;
  readonly d: number;
}

const compareFractions = (a: Fraction, b: Fraction): number => a.n * b.d - b.n * a.d;
const addFractions = (a: Fraction, b: Fraction): Fraction => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });

/**
 * How many of `count` tasks each bin ends with, in proportion to its capacity: the floor or the
 * ceiling of its share. The ceilings go where they keep tasks per unit of capacity most even
 * (max minus min smallest); among equally even choices, to the bins with the lowest summed
 * `preference` (callers pass stickiness: 0 for a bin that would otherwise give up a task), then
 * to the earlier bins. Bins without capacity get nothing.
 */
export function proportionalQuotas(count: number, bins: readonly Weighted[], preference: (id: string, floor: number) => number): Map<string, number> {
  const total = bins.reduce((sum, bin) => sum + Math.max(0, bin.capacity), 0);
  const quotas = new Map(bins.map((bin) => [bin.id, 0]));
  if (total === 0 || count === 0) return quotas;

  // Shares are count * capacity / total; `remainder` is the fractional part times total.
  const fractional: { index: number; id: string; capacity: number; remainder: number }[] = [];
  let left = count;
  bins.forEach((bin, index) => {
    if (bin.capacity <= 0) return;
    const floor = Math.floor((count * bin.capacity) / total);
    quotas.set(bin.id, floor);
    left -= floor;
    const remainder = (count * bin.capacity) % total;
    if (remainder > 0) fractional.push({ index, id: bin.id, capacity: bin.capacity, remainder });
  });
  if (left === 0) return quotas;

  // Relative to the ideal load, a rounded-up bin is above it by `up`, a rounded-down one below
  // it by `down` (both scaled by total); the spread is the largest up plus the largest down.
  const up = (i: number): Fraction => ({ n: total - fractional[i]!.remainder, d: fractional[i]!.capacity });
  const down = (i: number): Fraction => ({ n: fractional[i]!.remainder, d: fractional[i]!.capacity });
  const pref = (i: number): number => preference(fractional[i]!.id, quotas.get(fractional[i]!.id)!);

  // Try each bin as the rounded-up one furthest above the ideal; the others rounded up are then
  // those furthest below it among the bins no further above (which lowers the largest down).
  let best: { cost: Fraction; key: number[]; chosen: number[] } | undefined;
  for (let top = 0; top < fractional.length; top++) {
    const others = fractional
      .map((_, i) => i)
      .filter((i) => i !== top && compareFractions(up(i), up(top)) <= 0)
      .sort((a, b) => compareFractions(down(b), down(a)) || pref(a) - pref(b) || a - b);
    if (others.length < left - 1) continue;
    const chosen = [top, ...others.slice(0, left - 1)].sort((a, b) => a - b);
    const rest = fractional.map((_, i) => i).filter((i) => !chosen.includes(i));
    const largestDown = rest.reduce((max, i) => (compareFractions(down(i), max) > 0 ? down(i) : max), { n: 0, d: 1 });
    const cost = addFractions(up(top), largestDown);
    const key = [chosen.reduce((sum, i) => sum + pref(i), 0), ...chosen.map((i) => fractional[i]!.index)];
    if (!best || compareFractions(cost, best.cost) < 0 || (compareFractions(cost, best.cost) === 0 && compareKeys(key, best.key) < 0)) {
      best = { cost, key, chosen };
    }
  }
  for (const i of best!.chosen) quotas.set(fractional[i]!.id, quotas.get(fractional[i]!.id)! + 1);
  return quotas;
}
