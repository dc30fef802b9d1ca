import { expect } from 'chai';
import { JavaTreeSet } from '../../lib/topology/internal/java-tree-set.ts';

describe("JavaTreeSet (the order of Kafka Streams' describe() successor lists)", () => {
  it('iterates in comparator order when the comparator is consistent', () => {
    const set = new JavaTreeSet<number>((a, b) => a - b);
    for (const n of [5, 3, 8, 1, 4, 7, 9, 2, 6, 0, 4]) set.add(n);
    expect(set.values()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps the order Java's TreeSet leaves when weights change between insertions", () => {
    // The same steps in jshell (Java 17), java.util.TreeSet with this comparator, print [c, a, b, e, d, f]:
    // the tree's shape at each insertion decides which elements a new one is compared with.
    const weight = new Map(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => [name, 1]));
    const set = new JavaTreeSet<string>((a, b) => weight.get(b)! - weight.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    set.add('c');
    weight.set('c', 5);
    set.add('a');
    set.add('e');
    weight.set('a', 9);
    set.add('b');
    weight.set('e', 7);
    set.add('f');
    set.add('d');
    expect(set.values()).to.deep.equal(['c', 'a', 'b', 'e', 'd', 'f']);
  });
});
