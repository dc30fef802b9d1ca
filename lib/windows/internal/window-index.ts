/**
 * The window starts a windowed store holds per key, sorted, with the retention of Kafka Streams'
 * segmented window stores: the store has observed the latest window start written to it, and a
 * window starting at or before that minus the retention is gone (lookups skip it, `expired` hands
 * it out once for deletion). Kept next to a key-value store of windowed keys, rebuilt from it.
 */
export class WindowIndex<K> {
  private readonly byKey = new Map<unknown, { key: K; starts: number[] }>();
  /** Every (start, key) written, by start; `timeline[head..]` are still held. */
  private timeline: { start: number; key: K }[] = [];
  private head = 0;
  private observed = -Infinity;

  constructor(
    private readonly encode: (key: K) => unknown,
    private readonly retentionMs: number,
  ) {}

  /** The earliest start still held: windows before it are past retention. */
  private get lowerBound(): number {
    return this.observed - this.retentionMs + 1;
  }

  add(key: K, start: number): void {
    this.observed = Math.max(this.observed, start);
    const id = this.encode(key);
    let entry = this.byKey.get(id);
    if (entry === undefined) this.byKey.set(id, (entry = { key, starts: [] }));
    if (!insertSorted(entry.starts, start)) return;
    insertSorted(this.timeline, { start, key }, this.head);
  }

  /** The starts of `key`'s windows in `[from, to]` that are within retention, earliest first or (`backward`) latest first. */
  fetch(key: K, from: number, to: number, backward: boolean): number[] {
    const starts = this.byKey.get(this.encode(key))?.starts;
    if (starts === undefined) return [];
    const low = Math.max(from, this.lowerBound);
    const found = starts.filter((start) => start >= low && start <= to);
    return backward ? found.reverse() : found;
  }

  /** Removes and returns the windows past retention, oldest first. */
  expired(): { key: K; start: number }[] {
    const gone: { key: K; start: number }[] = [];
    while (this.head < this.timeline.length && this.timeline[this.head]!.start < this.lowerBound) {
      const item = this.timeline[this.head++]!;
      const id = this.encode(item.key);
      const entry = this.byKey.get(id)!;
      entry.starts.splice(entry.starts.indexOf(item.start), 1);
      if (entry.starts.length === 0) this.byKey.delete(id);
      gone.push(item);
    }
    if (this.head > 1024 && this.head * 2 > this.timeline.length) {
      this.timeline = this.timeline.slice(this.head);
      this.head = 0;
    }
    return gone;
  }
}

/** Inserts keeping order (starts mostly grow, so the search runs from the end); false if present. */
function insertSorted<T extends number | { start: number }>(items: T[], item: T, floor = 0): boolean {
  const at = (x: T): number => (typeof x === 'number' ? x : x.start);
  let i = items.length;
  while (i > floor && at(items[i - 1]!) > at(item)) i--;
  if (typeof item === 'number' && i > floor && at(items[i - 1]!) === at(item)) return false;
  items.splice(i, 0, item);
  return true;
}
