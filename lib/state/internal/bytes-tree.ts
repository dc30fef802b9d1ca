import type { KeyValue } from '../../processor/record.ts';
import type { BytesChange } from '../bytes-store.ts';
import { compareBytes, compareKeys } from './byte-order.ts';
import { PackedLeaf } from './packed-leaf.ts';

/** Children per branch at most: with 64 and leaves of ~100 entries, 10 M keys are 3 levels deep. */
const BRANCH_MAX_CHILDREN = 64;

/**
 * An inner node: separator `i` is a lower bound of the keys under `children[i + 1]` and above every
 * key under `children[i]`. A bound, not necessarily a key the tree holds: deleting the first key of
 * a child leaves it valid, so deletes never rewrite separators. The separators are packed into one
 * Buffer, as a leaf's keys are: a search then reads one block of memory, not a Buffer per step.
 */
class Branch {
  private readonly separatorBytes: Buffer;
  private readonly separatorEnds: Uint32Array;

  constructor(
    readonly children: readonly TreeNode[],
    separators: readonly Uint8Array[],
  ) {
    let length = 0;
    for (const separator of separators) length += separator.length;
    this.separatorBytes = Buffer.allocUnsafeSlow(length);
    this.separatorEnds = new Uint32Array(separators.length);
    let position = 0;
    for (let i = 0; i < separators.length; i++) {
      this.separatorBytes.set(separators[i], position);
      position += separators[i].length;
      this.separatorEnds[i] = position;
    }
  }

  /** Separator `index`, the lower bound of `children[index + 1]`: a view, valid as long as the branch. */
  separator(index: number): Buffer {
    return this.separatorBytes.subarray(index === 0 ? 0 : this.separatorEnds[index - 1], this.separatorEnds[index]);
  }

  /** The index of the child whose keys may include `key`: the number of separators not after it. */
  childFor(key: Uint8Array): number {
    const bytes = this.separatorBytes;
    const ends = this.separatorEnds;
    let low = 0;
    let high = ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareBytes(bytes, middle === 0 ? 0 : ends[middle - 1], ends[middle], key, 0, key.length) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  isSparse(): boolean {
    return this.children.length < BRANCH_MAX_CHILDREN / 4;
  }

  canAbsorb(next: Branch): boolean {
    return this.children.length + next.children.length <= (BRANCH_MAX_CHILDREN * 3) / 4;
  }

  /** This branch's children followed by those of `next`, which begins at `separator`. */
  concat(next: Branch, separator: Uint8Array): Branch {
    const separators: Uint8Array[] = [];
    for (let i = 0; i < this.children.length - 1; i++) separators.push(this.separator(i));
    separators.push(separator);
    for (let i = 0; i < next.children.length - 1; i++) separators.push(next.separator(i));
    return new Branch([...this.children, ...next.children], separators);
  }
}

type TreeNode = PackedLeaf | Branch;

/**
 * A sorted map of byte keys to byte values: a B+tree whose leaves are `PackedLeaf`s, so a get, an
 * insert or a delete costs O(log n) and a range scan a seek plus a walk, never a sort.
 *
 * The tree is persistent (immutable): `withChanges` returns a new tree that shares every node the
 * changes did not touch, and builds new leaves and new branches on the paths to the changed ones.
 * That is what gives scans their snapshot for free: a cursor keeps the root it started from, and
 * the garbage collector frees the old nodes once no cursor holds them. A batch touches each
 * affected node once (the changes are sorted first), so a large batch costs about one rebuild of
 * each leaf it changes, not one per change.
 */
export class BytesTree {
  static readonly EMPTY = new BytesTree(PackedLeaf.EMPTY, 0);

  private constructor(
    private readonly root: TreeNode,
    /** How many keys the tree holds. */
    readonly size: number,
  ) {}

  get(key: Uint8Array): Buffer | undefined {
    let node = this.root;
    while (node instanceof Branch) node = node.children[node.childFor(key)];
    const index = node.indexOf(key);
    return index < 0 ? undefined : node.value(index);
  }

  /** The tree with the batch applied: in batch order, so the last change of a key wins; a null value deletes. */
  withChanges(batch: readonly BytesChange[]): BytesTree {
    const changes = lastChangePerKey(batch);
    if (changes.length === 0) return this;
    const sizeChange = { entries: 0 };
    const level = new Replacement();
    update(this.root, changes, 0, changes.length, level, undefined, sizeChange);
    return new BytesTree(rootOf(level), this.size + sizeChange.entries);
  }

  /**
   * How the tree is laid out, for its specs and the bench: its depth, node counts, the most entries
   * in a leaf and the most bytes in a leaf of more than one entry.
   */
  shape(): { depth: number; branches: number; leaves: number; mostEntries: number; mostBytesOfSeveral: number } {
    const shape = { depth: 0, branches: 0, leaves: 0, mostEntries: 0, mostBytesOfSeveral: 0 };
    const visit = (node: TreeNode, depth: number): void => {
      if (node instanceof PackedLeaf) {
        shape.leaves++;
        shape.depth = depth;
        shape.mostEntries = Math.max(shape.mostEntries, node.count);
        if (node.count > 1) shape.mostBytesOfSeveral = Math.max(shape.mostBytesOfSeveral, node.byteLength);
        return;
      }
      shape.branches++;
      for (const child of node.children) visit(child, depth + 1);
    };
    visit(this.root, 1);
    return shape;
  }

  /** A cursor over the entries within `bounds`, on the tree as it is now. */
  scan(bounds: ScanBounds): TreeCursor {
    return new TreeCursor(this.root, bounds);
  }
}

/** Where a scan starts and stops; each bound undefined leaves that end open. */
export interface ScanBounds {
  /** The lowest key, inclusive. */
  readonly from?: Uint8Array;
  /** The highest key: inclusive, unless `toExclusive` (prefix scans end before the next prefix). */
  readonly to?: Uint8Array;
  readonly toExclusive?: boolean;
  /** From the highest key down. */
  readonly reverse?: boolean;
}

/** Walks the leaves of one tree in order, one entry per `next`, keeping the path from the root. */
export class TreeCursor {
  private readonly branches: Branch[] = [];
  private readonly indexes: number[] = [];
  private leaf: PackedLeaf | undefined;
  private index = 0;

  constructor(
    root: TreeNode,
    private readonly bounds: ScanBounds,
  ) {
    if (bounds.reverse) this.seekLast(root);
    else this.seekFirst(root);
  }

  /** The next entry within the bounds, or undefined at the end. */
  next(): KeyValue<Buffer, Buffer> | undefined {
    const leaf = this.leaf;
    if (leaf === undefined) return undefined;
    const index = this.index;
    if (!this.withinBounds(leaf, index)) {
      this.release();
      return undefined;
    }
    const entry = { key: leaf.key(index), value: leaf.value(index) };
    if (this.bounds.reverse) {
      if (--this.index < 0) this.previousLeaf();
    } else if (++this.index >= leaf.count) this.nextLeaf();
    return entry;
  }

  /** Lets go of the path, and with it of the snapshot. */
  release(): void {
    this.leaf = undefined;
    this.branches.length = 0;
    this.indexes.length = 0;
  }

  private withinBounds(leaf: PackedLeaf, index: number): boolean {
    const { from, to, toExclusive, reverse } = this.bounds;
    // The other bound was applied by the seek.
    if (reverse) return from === undefined || leaf.compareKeyAt(index, from) >= 0;
    if (to === undefined) return true;
    const order = leaf.compareKeyAt(index, to);
    return toExclusive ? order < 0 : order <= 0;
  }

  private seekFirst(root: TreeNode): void {
    const { from } = this.bounds;
    let node = root;
    while (node instanceof Branch) node = this.enter(node, from === undefined ? 0 : node.childFor(from));
    this.leaf = node;
    this.index = from === undefined ? 0 : node.lowerBound(from);
    if (this.index >= node.count) this.nextLeaf();
  }

  private seekLast(root: TreeNode): void {
    const { to, toExclusive } = this.bounds;
    let node = root;
    while (node instanceof Branch) node = this.enter(node, to === undefined ? node.children.length - 1 : node.childFor(to));
    this.leaf = node;
    this.index = to === undefined ? node.count - 1 : (toExclusive ? node.lowerBound(to) : node.upperBound(to)) - 1;
    if (this.index < 0) this.previousLeaf();
  }

  /** Every leaf but an empty root holds entries, so the first leaf after the current one has an entry 0. */
  private nextLeaf(): void {
    for (let depth = this.branches.length - 1; depth >= 0; depth--) {
      const branch = this.branches[depth];
      const index = this.indexes[depth] + 1;
      if (index >= branch.children.length) continue;
      this.branches.length = this.indexes.length = depth;
      let node = this.enter(branch, index);
      while (node instanceof Branch) node = this.enter(node, 0);
      this.leaf = node;
      this.index = 0;
      return;
    }
    this.release();
  }

  private previousLeaf(): void {
    for (let depth = this.branches.length - 1; depth >= 0; depth--) {
      const branch = this.branches[depth];
      const index = this.indexes[depth] - 1;
      if (index < 0) continue;
      this.branches.length = this.indexes.length = depth;
      let node = this.enter(branch, index);
      while (node instanceof Branch) node = this.enter(node, node.children.length - 1);
      this.leaf = node;
      this.index = node.count - 1;
      return;
    }
    this.release();
  }

  private enter(branch: Branch, index: number): TreeNode {
    this.branches.push(branch);
    this.indexes.push(index);
    return branch.children[index];
  }
}

/** The batch sorted by key, keeping only the last change of each key (the sort is stable). */
function lastChangePerKey(batch: readonly BytesChange[]): readonly BytesChange[] {
  if (batch.length <= 1) return batch;
  const sorted = [...batch].sort((a, b) => compareKeys(a.key, b.key));
  const changes: BytesChange[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 === sorted.length || compareKeys(sorted[i].key, sorted[i + 1].key) !== 0) changes.push(sorted[i]);
  }
  return changes;
}

/** The nodes that replace one node (none, it, or several after a split), with the separators between them. */
class Replacement {
  readonly nodes: TreeNode[] = [];
  readonly separators: Buffer[] = [];

  /** Appends `node`; `separator` is its lower bound when known, else its first key (the branch built over them copies either). */
  push(node: TreeNode, separator: Buffer | undefined): void {
    if (this.nodes.length > 0) this.separators.push(separator ?? firstKey(node));
    this.nodes.push(node);
  }
}

function firstKey(node: TreeNode): Buffer {
  while (node instanceof Branch) node = node.children[0];
  return node.key(0);
}

/**
 * Applies `changes[from, to)` (all within `node`'s key range) to `node` and appends what replaces it
 * to `out`, the first replacement node with `separator`.
 */
function update(
  node: TreeNode,
  changes: readonly BytesChange[],
  from: number,
  to: number,
  out: Replacement,
  separator: Buffer | undefined,
  sizeChange: { entries: number },
): void {
  if (node instanceof PackedLeaf) {
    const leaves = node.withChanges(changes, from, to);
    sizeChange.entries -= node.count;
    for (const leaf of leaves) {
      sizeChange.entries += leaf.count;
      out.push(leaf, leaves[0] === leaf ? separator : undefined);
    }
    return;
  }
  const children = new Replacement();
  let untouched = 0;
  for (let c = from; c < to;) {
    const child = node.childFor(changes[c].key);
    const end = child + 1 < node.children.length ? firstChangeFrom(changes, c, to, node.separator(child)) : to;
    for (; untouched < child; untouched++) children.push(node.children[untouched], separatorBefore(node, untouched));
    update(node.children[child], changes, c, end, children, separatorBefore(node, child), sizeChange);
    untouched = child + 1;
    c = end;
  }
  for (; untouched < node.children.length; untouched++) children.push(node.children[untouched], separatorBefore(node, untouched));
  pushBranches(withSparseMerged(children), out, separator);
}

/** The lower bound of `branch.children[child]`; none for the first child. */
function separatorBefore(branch: Branch, child: number): Buffer | undefined {
  return child === 0 ? undefined : branch.separator(child - 1);
}

/** The first index in `[from, to)` whose change's key is not before `key`. */
function firstChangeFrom(changes: readonly BytesChange[], from: number, to: number, key: Buffer): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(changes[middle].key, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Merges each sparse node into its neighbour where the two fit in one, so deletes do not leave a tree of near-empty nodes. */
function withSparseMerged(level: Replacement): Replacement {
  const merged = new Replacement();
  for (let i = 0; i < level.nodes.length; i++) {
    const node = level.nodes[i];
    const last = merged.nodes[merged.nodes.length - 1];
    const separator = level.separators[i - 1];
    const absorbed = last === undefined ? undefined : absorb(last, node, separator);
    if (absorbed !== undefined) merged.nodes[merged.nodes.length - 1] = absorbed;
    else merged.push(node, separator);
  }
  return merged;
}

function absorb(first: TreeNode, second: TreeNode, separator: Buffer): TreeNode | undefined {
  if (first instanceof PackedLeaf && second instanceof PackedLeaf) {
    return (first.isSparse() || second.isSparse()) && first.canAbsorb(second) ? first.concat(second) : undefined;
  }
  if (first instanceof Branch && second instanceof Branch) {
    return (first.isSparse() || second.isSparse()) && first.canAbsorb(second) ? first.concat(second, separator) : undefined;
  }
  return undefined;
}

/** Groups a level's nodes under as many branches as keep each within BRANCH_MAX_CHILDREN, appended to `out`. */
function pushBranches(level: Replacement, out: Replacement, separator: Buffer | undefined): void {
  const count = level.nodes.length;
  if (count === 0) return;
  const parts = count <= BRANCH_MAX_CHILDREN ? 1 : Math.ceil(count / ((BRANCH_MAX_CHILDREN * 3) / 4));
  const size = Math.ceil(count / parts);
  for (let start = 0; start < count; start += size) {
    const end = Math.min(start + size, count);
    const branch = new Branch(level.nodes.slice(start, end), level.separators.slice(start, end - 1));
    out.push(branch, start === 0 ? separator : level.separators[start - 1]);
  }
}

/** The root over what replaced the old one: a new level above when it split, the only child when a branch is left with one. */
function rootOf(replacement: Replacement): TreeNode {
  let level = replacement;
  while (level.nodes.length > 1) {
    const above = new Replacement();
    pushBranches(level, above, undefined);
    level = above;
  }
  let root = level.nodes[0] ?? PackedLeaf.EMPTY;
  while (root instanceof Branch && root.children.length === 1) root = root.children[0];
  return root;
}
