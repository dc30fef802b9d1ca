import { expect } from 'chai';
import type { BytesChange } from '../../lib/state/bytes-store.ts';
import { BytesTree } from '../../lib/state/internal/bytes-tree.ts';
import { LEAF_MAX_BYTES, LEAF_MAX_ENTRIES } from '../../lib/state/internal/packed-leaf.ts';

const keyOf = (n: number): Buffer => Buffer.from(`key-${String(n).padStart(7, '0')}`);
const puts = (from: number, to: number, value = Buffer.from('value')): BytesChange[] =>
  Array.from({ length: to - from }, (_, i) => ({ key: keyOf(from + i), value }));

describe('BytesTree', () => {
  it('packs keys into leaves of at most LEAF_MAX_ENTRIES, and stays shallow: 100,000 keys are 3 levels deep', () => {
    let tree = BytesTree.EMPTY;
    for (let from = 0; from < 100_000; from += 10_000) tree = tree.withChanges(puts(from, from + 10_000));
    const { depth, leaves, mostEntries } = tree.shape();

    expect(tree.size).to.equal(100_000);
    expect(mostEntries).to.be.at.most(LEAF_MAX_ENTRIES);
    expect(leaves).to.be.at.least(Math.ceil(100_000 / LEAF_MAX_ENTRIES));
    // Splits leave leaves at least half full.
    expect(leaves).to.be.at.most(Math.ceil(100_000 / (LEAF_MAX_ENTRIES / 2)));
    expect(depth).to.equal(3);
  });

  it('merges the leaves that deletes leave sparse, so a shrunken tree has few nodes', () => {
    let tree = BytesTree.EMPTY.withChanges(puts(0, 20_000));
    const before = tree.shape().leaves;
    // Deletes 19 keys in 20.
    const deletes = Array.from({ length: 20_000 }, (_, n) => ({ key: keyOf(n), value: n % 20 === 0 ? Buffer.from('kept') : null }));
    tree = tree.withChanges(deletes);
    const { leaves } = tree.shape();

    expect(tree.size).to.equal(1000);
    expect(before).to.be.above(150);
    expect(leaves).to.be.at.most(Math.ceil(1000 / (LEAF_MAX_ENTRIES / 4)));
  });

  it('gives a value larger than LEAF_MAX_BYTES a leaf of its own, and keeps other leaves within it', () => {
    const large = Buffer.alloc(3 * LEAF_MAX_BYTES, 1);
    const medium = Buffer.alloc(LEAF_MAX_BYTES / 3, 2);
    const tree = BytesTree.EMPTY.withChanges([...puts(0, 30, medium), { key: keyOf(15).subarray(0, 11), value: large }]);

    expect(tree.get(keyOf(15).subarray(0, 11))).to.deep.equal(large);
    expect(tree.get(keyOf(29))).to.deep.equal(medium);
    const { leaves, mostBytesOfSeveral } = tree.shape();
    expect(mostBytesOfSeveral).to.be.at.most(LEAF_MAX_BYTES);
    // 30 values of a third of the limit each need at least 10 leaves; the large one needs its own.
    expect(leaves).to.be.at.least(11);
  });

  it('leaves the tree it came from as it was: a write returns a new tree', () => {
    const before = BytesTree.EMPTY.withChanges(puts(0, 1000));
    const after = before.withChanges([{ key: keyOf(5), value: null }, ...puts(1000, 2000)]);

    expect(before.size).to.equal(1000);
    expect(before.get(keyOf(5))?.toString()).to.equal('value');
    expect(before.get(keyOf(1500))).to.equal(undefined);
    expect(after.size).to.equal(1999);
    expect(after.get(keyOf(5))).to.equal(undefined);
  });
});
