import type { Serde } from '../../serdes/serde.ts';
import type { JoinBufferItem } from './join-buffer.ts';

/** A record of a left or outer join that found no partner yet, and which side it came from. */
export interface OuterJoinCandidate<K, V> {
  readonly item: JoinBufferItem<K, V>;
  readonly left: boolean;
  /** The key as Kafka orders it: its serialized bytes with a key serde, else the key itself. */
  readonly order: unknown;
}

/**
 * The records a left or outer stream-stream join may still emit with null, in the order of Kafka
 * Streams' outer-join store: by timestamp, then right side before left (its side byte is 0, the
 * left's 1), then by key bytes, then in arrival order. Settled records (joined since, or emitted)
 * are skipped and dropped as the set is walked.
 */
export class OuterJoinCandidates<K, V> {
  private items: OuterJoinCandidate<K, V>[] = [];
  private readonly keyOrder: (key: K) => unknown;

  constructor(keySerde: Serde<K> | undefined) {
    this.keyOrder = keySerde ? (key) => keySerde.serialize('outer-join', key) ?? Buffer.alloc(0) : (key) => key;
  }

  add(item: JoinBufferItem<K, V>, left: boolean): void {
    const candidate: OuterJoinCandidate<K, V> = { item, left, order: this.keyOrder(item.storeKey.key) };
    // Records mostly arrive in time order: search from the end.
    let i = this.items.length;
    while (i > 0 && compare(this.items[i - 1]!, candidate) > 0) i--;
    this.items.splice(i, 0, candidate);
  }

  /**
   * Walks the candidates in order: `visit` returns 'emit' (the candidate is done), 'keep' (it
   * stays) or 'stop' (it and the rest stay).
   */
  walk(visit: (candidate: OuterJoinCandidate<K, V>) => 'emit' | 'keep' | 'stop'): void {
    const kept: OuterJoinCandidate<K, V>[] = [];
    let i = 0;
    for (; i < this.items.length; i++) {
      const candidate = this.items[i]!;
      if (candidate.item.entry.joined) continue;
      const verdict = visit(candidate);
      if (verdict === 'stop') break;
      if (verdict === 'keep') kept.push(candidate);
    }
    for (; i < this.items.length; i++) if (!this.items[i]!.item.entry.joined) kept.push(this.items[i]!);
    this.items = kept;
  }
}

function compare<K, V>(a: OuterJoinCandidate<K, V>, b: OuterJoinCandidate<K, V>): number {
  const time = a.item.storeKey.timestamp - b.item.storeKey.timestamp;
  if (time !== 0) return time;
  if (a.left !== b.left) return a.left ? 1 : -1;
  const keys = Buffer.isBuffer(a.order) && Buffer.isBuffer(b.order) ? Buffer.compare(a.order, b.order) : a.order! < b.order! ? -1 : a.order! > b.order! ? 1 : 0;
  return keys !== 0 ? keys : a.item.storeKey.seq - b.item.storeKey.seq;
}
