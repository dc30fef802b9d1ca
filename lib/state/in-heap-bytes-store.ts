import { InvalidStateStoreException } from '../errors.ts';
import type { KeyValue } from '../processor/record.ts';
import type { BytesChange, BytesIterator, BytesStore, StoreCheckpoint } from './bytes-store.ts';
import { prefixEnd } from './internal/byte-order.ts';
import { BytesTree, type ScanBounds, type TreeCursor } from './internal/bytes-tree.ts';
import { checkedCheckpoint } from './internal/checkpoint-codec.ts';
import { CloseableBytesIterator } from './internal/closeable-bytes-iterator.ts';

/**
 * The bytes store of the test driver, `runTopology` and whoever asks for memory: a sorted tree in
 * the heap (`BytesTree`), so ranges seek and walk instead of sorting the store per call, and
 * 10 M keys cost their bytes plus a few per entry rather than a few objects each.
 *
 * Scans walk the tree as it was when they began: a write makes a new tree and leaves the old
 * one to the scans still reading it, as Kafka's in-memory store iterates over a snapshot of its
 * keys. Nothing outlives the process; the changelog is what a restart restores from.
 */
export class InHeapBytesStore implements BytesStore {
  readonly persistent = false;
  private tree = BytesTree.EMPTY;
  private lastCheckpoint: StoreCheckpoint = new Map();
  private open = true;

  /** `name` only says which store an error is about. */
  constructor(readonly name: string) {}

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.tree.get(key);
  }

  range(from?: Buffer, to?: Buffer): BytesIterator {
    return this.scan({ from, to });
  }

  reverseRange(from?: Buffer, to?: Buffer): BytesIterator {
    return this.scan({ from, to, reverse: true });
  }

  prefixScan(prefix: Buffer): BytesIterator {
    return this.scan({ from: prefix, to: prefixEnd(prefix), toExclusive: true });
  }

  write(batch: readonly BytesChange[], checkpoint?: StoreCheckpoint): void {
    this.assertOpen();
    // Checked before anything changes, so that a refused checkpoint leaves the batch out too.
    const next = checkpoint === undefined ? this.lastCheckpoint : checkedCheckpoint(checkpoint, `in-heap store ${this.name}`);
    this.tree = this.tree.withChanges(batch);
    this.lastCheckpoint = next;
  }

  checkpoint(): StoreCheckpoint {
    this.assertOpen();
    return this.lastCheckpoint;
  }

  approximateNumEntries(): number {
    this.assertOpen();
    return this.tree.size;
  }

  /** Drops the entries: an in-heap store has nothing to reopen. */
  close(): void {
    this.open = false;
    this.tree = BytesTree.EMPTY;
  }

  /** The same as `close`: there are no files. */
  destroy(): void {
    this.close();
  }

  private scan(bounds: ScanBounds): BytesIterator {
    this.assertOpen();
    return new InHeapScan(this.tree.scan(bounds), () => this.assertOpen());
  }

  private assertOpen(): void {
    if (!this.open) throw new InvalidStateStoreException(`In-heap store ${this.name} is closed`);
  }
}

class InHeapScan extends CloseableBytesIterator {
  constructor(
    private readonly cursor: TreeCursor,
    assertStoreOpen: () => void,
  ) {
    super(assertStoreOpen);
  }

  protected advance(): KeyValue<Buffer, Buffer> | undefined {
    return this.cursor.next();
  }

  protected release(): void {
    this.cursor.release();
  }
}
