import type { KeyValue } from '../../processor/record.ts';
import type { BytesChange } from '../bytes-store.ts';
import { compareBytes } from './byte-order.ts';

/** A leaf splits past this many entries: enough to make the tree shallow, few enough that rebuilding a leaf per write stays cheap. */
export const LEAF_MAX_ENTRIES = 128;
/** ... or past this many bytes of keys and values, so that large values do not make every rebuild copy megabytes. */
export const LEAF_MAX_BYTES = 16 * 1024;

/**
 * The entries of one leaf of the in-heap tree, in key order, packed into one Buffer (key 0,
 * value 0, key 1, ...) with the end of each key and value in a `Uint32Array`: two objects per
 * leaf whatever its entry count, where a Buffer per key and per value would cost some 150 bytes of
 * heap per entry and keep the garbage collector busy with millions of objects.
 *
 * A leaf never changes once built: a write builds new leaves. So the Buffers that `key` and
 * `value` return (views, not copies) stay valid, and an open scan keeps the leaves it walks.
 */
export class PackedLeaf {
  static readonly EMPTY = new PackedLeaf(Buffer.alloc(0), new Uint32Array(0));

  private constructor(
    private readonly bytes: Buffer,
    /** `ends[2i]`: where key i ends (value i starts); `ends[2i + 1]`: where value i ends (key i + 1 starts). */
    private readonly ends: Uint32Array,
  ) {}

  get count(): number {
    return this.ends.length >>> 1;
  }

  /** The bytes of its keys and values. */
  get byteLength(): number {
    return this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1];
  }

  key(index: number): Buffer {
    return this.bytes.subarray(this.start(index), this.ends[2 * index]);
  }

  value(index: number): Buffer {
    return this.bytes.subarray(this.ends[2 * index], this.ends[2 * index + 1]);
  }

  /** The key at `index` compared with `key`: negative when it comes first. */
  compareKeyAt(index: number, key: Uint8Array): number {
    return compareBytes(this.bytes, this.start(index), this.ends[2 * index], key, 0, key.length);
  }

  /** The index of `key`, or -1. */
  indexOf(key: Uint8Array): number {
    const index = this.lowerBound(key);
    return index < this.count && this.compareKeyAt(index, key) === 0 ? index : -1;
  }

  /** The first index at or after `from` whose key is not before `key`; `count` when none. */
  lowerBound(key: Uint8Array, from = 0): number {
    let low = from;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compareKeyAt(middle, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first index whose key is after `key`; `count` when none. */
  upperBound(key: Uint8Array): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compareKeyAt(middle, key) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * The leaves that hold this leaf's entries with `changes[from, to)` applied (sorted, one per key;
   * a null value deletes): none when nothing is left, several when the result is too large for one.
   */
  withChanges(changes: readonly BytesChange[], from: number, to: number): PackedLeaf[] {
    const writer = new LeafWriter();
    let next = 0;
    for (let c = from; c < to; c++) {
      const change = changes[c];
      const at = this.lowerBound(change.key, next);
      // Unchanged entries are copied as one run of bytes, not entry by entry.
      writer.addRun(this, next, at);
      next = at < this.count && this.compareKeyAt(at, change.key) === 0 ? at + 1 : at;
      if (change.value !== null) writer.addEntry(change.key, change.value);
    }
    writer.addRun(this, next, this.count);
    const merged = writer.build();
    return merged.count === 0 ? [] : merged.fits() ? [merged] : merged.split();
  }

  /** True when the leaf holds few enough entries and bytes that a neighbour may absorb it. */
  isSparse(): boolean {
    return this.count < LEAF_MAX_ENTRIES / 4 && this.byteLength < LEAF_MAX_BYTES / 4;
  }

  /** True when this leaf and `next` fit in one leaf with room to grow, so merging them does not soon split again. */
  canAbsorb(next: PackedLeaf): boolean {
    return this.count + next.count <= (LEAF_MAX_ENTRIES * 3) / 4 && this.byteLength + next.byteLength <= (LEAF_MAX_BYTES * 3) / 4;
  }

  /** This leaf's entries followed by those of `next`, whose keys all come after them. */
  concat(next: PackedLeaf): PackedLeaf {
    const writer = new LeafWriter();
    writer.addRun(this, 0, this.count);
    writer.addRun(next, 0, next.count);
    return writer.build();
  }

  private fits(): boolean {
    return this.count <= LEAF_MAX_ENTRIES && (this.byteLength <= LEAF_MAX_BYTES || this.count === 1);
  }

  /** Cuts an oversized leaf into leaves of about equal size, each within the limits (a single entry larger than LEAF_MAX_BYTES gets a leaf of its own). */
  private split(): PackedLeaf[] {
    const parts = Math.max(Math.ceil(this.count / ((LEAF_MAX_ENTRIES * 3) / 4)), Math.ceil(this.byteLength / ((LEAF_MAX_BYTES * 3) / 4)));
    const targetCount = Math.ceil(this.count / parts);
    const targetBytes = Math.ceil(this.byteLength / parts);
    const leaves: PackedLeaf[] = [];
    let first = 0;
    for (let index = 0; index < this.count; index++) {
      const size = this.ends[2 * index + 1] - this.start(first);
      const entries = index - first + 1;
      if (entries > 1 && (entries > LEAF_MAX_ENTRIES || size > LEAF_MAX_BYTES)) {
        leaves.push(this.slice(first, index));
        first = index;
        index--;
        continue;
      }
      if (entries >= targetCount || size >= targetBytes) {
        leaves.push(this.slice(first, index + 1));
        first = index + 1;
      }
    }
    if (first < this.count) leaves.push(this.slice(first, this.count));
    return leaves;
  }

  private slice(from: number, to: number): PackedLeaf {
    const writer = new LeafWriter();
    writer.addRun(this, from, to);
    return writer.build();
  }

  private start(index: number): number {
    return index === 0 ? 0 : this.ends[2 * index - 1];
  }

  /** For LeafWriter: copies entries `[from, to)` to `target` at `position`, their ends rebased from `endsAt`. */
  copyRun(from: number, to: number, target: Buffer, position: number, targetEnds: Uint32Array, endsAt: number): number {
    const base = this.start(from);
    const shift = position - base;
    for (let i = 2 * from; i < 2 * to; i++) targetEnds[endsAt++] = this.ends[i] + shift;
    const end = this.start(to);
    this.bytes.copy(target, position, base, end);
    return position + end - base;
  }

  /** The bytes of entries `[from, to)`. */
  runBytes(from: number, to: number): number {
    return this.start(to) - this.start(from);
  }

  /** For LeafWriter: a leaf over what it packed. */
  static of(bytes: Buffer, ends: Uint32Array): PackedLeaf {
    return new PackedLeaf(bytes, ends);
  }
}

/**
 * Collects runs of an existing leaf and new entries, in key order, then packs them into one leaf
 * with a single allocation: the sizes are summed first, so nothing is copied twice.
 */
class LeafWriter {
  private readonly runs: (PackedLeaf | KeyValue<Buffer, Buffer>)[] = [];
  private readonly runFrom: number[] = [];
  private readonly runTo: number[] = [];
  private count = 0;
  private bytes = 0;

  addRun(leaf: PackedLeaf, from: number, to: number): void {
    if (from >= to) return;
    this.runs.push(leaf);
    this.runFrom.push(from);
    this.runTo.push(to);
    this.count += to - from;
    this.bytes += leaf.runBytes(from, to);
  }

  addEntry(key: Buffer, value: Buffer): void {
    this.runs.push({ key, value });
    this.runFrom.push(0);
    this.runTo.push(1);
    this.count++;
    this.bytes += key.length + value.length;
  }

  build(): PackedLeaf {
    if (this.count === 0) return PackedLeaf.EMPTY;
    // Not from Node's shared pool: a leaf's bytes would pin the whole 8 KB slab of the pool it came from.
    const bytes = Buffer.allocUnsafeSlow(this.bytes);
    const ends = new Uint32Array(2 * this.count);
    let position = 0;
    let endsAt = 0;
    for (let r = 0; r < this.runs.length; r++) {
      const run = this.runs[r];
      if (run instanceof PackedLeaf) {
        position = run.copyRun(this.runFrom[r], this.runTo[r], bytes, position, ends, endsAt);
        endsAt += 2 * (this.runTo[r] - this.runFrom[r]);
      } else {
        position += run.key.copy(bytes, position);
        ends[endsAt++] = position;
        position += run.value.copy(bytes, position);
        ends[endsAt++] = position;
      }
    }
    return PackedLeaf.of(bytes, ends);
  }
}
