/**
 * Compares two ranking keys position by position, lower first. Written with `<` rather than
 * subtraction because lags may be Infinity (no local state), and Infinity - Infinity is NaN.
 */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return a.length - b.length;
}

/** The item with the lowest key (the first such one), or undefined for no items. */
export function lowest<T>(items: Iterable<T>, key: (item: T) => readonly number[]): T | undefined {
  let best: T | undefined;
  let bestKey: readonly number[] | undefined;
  for (const item of items) {
    const itemKey = key(item);
    if (bestKey === undefined || compareKeys(itemKey, bestKey) < 0) {
      best = item;
      bestKey = itemKey;
    }
  }
  return best;
}
