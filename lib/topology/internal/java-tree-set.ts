/**
 * The iteration order of a Java `TreeSet` (a red-black tree) built by inserting `values` one at a
 * time. Kafka Streams' describe() keeps each node's successors and predecessors in such sets with
 * a comparator over sub-tree sizes that keep growing while the sets fill, so the order depends on
 * the tree's shape at each insertion; only replaying the insertions gives the same text. Each
 * `compare` is called when its element is inserted, as Java calls it.
 */
export class JavaTreeSet<T> {
  private root: TreeEntry<T> | undefined;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  add(value: T): void {
    if (this.root === undefined) {
      this.root = { value, black: true };
      return;
    }
    let parent = this.root;
    for (;;) {
      const cmp = this.compare(value, parent.value);
      if (cmp === 0) return;
      const next = cmp < 0 ? parent.left : parent.right;
      if (next === undefined) {
        const entry: TreeEntry<T> = { value, black: false, parent };
        if (cmp < 0) parent.left = entry;
        else parent.right = entry;
        this.fixAfterInsertion(entry);
        return;
      }
      parent = next;
    }
  }

  values(): T[] {
    const out: T[] = [];
    const walk = (entry: TreeEntry<T> | undefined): void => {
      if (entry === undefined) return;
      walk(entry.left);
      out.push(entry.value);
      walk(entry.right);
    };
    walk(this.root);
    return out;
  }

  // Rebalancing as java.util.TreeMap does it (CLR's red-black insertion): rotations keep the
  // in-order sequence but change which elements later insertions are compared with.
  private fixAfterInsertion(inserted: TreeEntry<T>): void {
    let x: TreeEntry<T> | undefined = inserted;
    while (x !== undefined && x !== this.root && x.parent !== undefined && !x.parent.black) {
      const parent: TreeEntry<T> = x.parent;
      const grand = parent.parent;
      if (grand === undefined) break;
      const parentIsLeft = parent === grand.left;
      const uncle = parentIsLeft ? grand.right : grand.left;
      if (uncle !== undefined && !uncle.black) {
        parent.black = true;
        uncle.black = true;
        grand.black = false;
        x = grand;
        continue;
      }
      if (x === (parentIsLeft ? parent.right : parent.left)) {
        x = parent;
        if (parentIsLeft) this.rotateLeft(x);
        else this.rotateRight(x);
      }
      x.parent!.black = true;
      grand.black = false;
      if (parentIsLeft) this.rotateRight(grand);
      else this.rotateLeft(grand);
    }
    this.root!.black = true;
  }

  private rotateLeft(p: TreeEntry<T>): void {
    const r = p.right!;
    p.right = r.left;
    if (r.left !== undefined) r.left.parent = p;
    this.replaceChild(p, r);
    r.left = p;
    p.parent = r;
  }

  private rotateRight(p: TreeEntry<T>): void {
    const l = p.left!;
    p.left = l.right;
    if (l.right !== undefined) l.right.parent = p;
    this.replaceChild(p, l);
    l.right = p;
    p.parent = l;
  }

  /** Puts `child` where `node` hangs from its parent (or at the root). */
  private replaceChild(node: TreeEntry<T>, child: TreeEntry<T>): void {
    child.parent = node.parent;
    if (node.parent === undefined) this.root = child;
    else if (node.parent.left === node) node.parent.left = child;
    else node.parent.right = child;
  }
}

interface TreeEntry<T> {
  value: T;
  black: boolean;
  parent?: TreeEntry<T>;
  left?: TreeEntry<T>;
  right?: TreeEntry<T>;
}
