import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RangeOptions, type RootDatabase } from 'lmdb';
import { InvalidStateStoreException, ProcessorStateException, errorMessage } from '../errors.ts';
import type { KeyValue } from '../processor/record.ts';
import type { BytesChange, BytesIterator, BytesStore, StoreCheckpoint } from './bytes-store.ts';
import { prefixEnd } from './internal/byte-order.ts';
import { checkedCheckpoint, decodeCheckpoint, encodeCheckpoint } from './internal/checkpoint-codec.ts';
import { CloseableBytesIterator } from './internal/closeable-bytes-iterator.ts';
import { lmdbFileProblem } from './internal/lmdb-file-check.ts';

/*
 * Every key LMDB holds starts with a tag byte: DATA before a store key, META before the store's own
 * records (the checkpoint). LMDB refuses a zero-length key, while Kafka's stores take one (a
 * String key "" serializes to no bytes), and the tag also gives the checkpoint a key space in the
 * same B-tree, written in the same transaction, that no data scan reaches: data scans are bounded
 * to [DATA, DATA + 1). The price is one byte of LMDB's 1978-byte key limit.
 */
const META = 0x00;
const DATA = 0x01;
const DATA_START = Buffer.from([DATA]);
const DATA_END = Buffer.from([DATA + 1]);
const CHECKPOINT_KEY = Buffer.concat([Buffer.from([META]), Buffer.from('checkpoint')]);

/** What LMDB writes in a store directory: the data file and the readers' lock table. */
const LMDB_FILES = ['data.mdb', 'lock.mdb'];

/**
 * The persistent bytes store: one LMDB environment per store directory, on the `lmdb` package
 * (prebuilt binaries from the registry, memory-mapped B+tree, synchronous reads from the map).
 *
 * Durability: `write` is one synchronous LMDB transaction, and lmdb-js commits a synchronous
 * transaction with LMDB's full sync (data pages fsynced, then the meta page written through an
 * O_DSYNC descriptor), so a batch and its checkpoint are on disk when `write` returns; `noSync`
 * and `noMetaSync` are never set, because either lets a machine crash lose or tear the last
 * commits. Either way the checkpoint cannot run ahead of the data: both are in one transaction.
 *
 * Space: LMDB reuses a freed page once no snapshot needs it, and it keeps the last committed
 * snapshot besides the one being written, so under churn the file levels off at the live data
 * plus twice what one write rewrites (three copies when every write rewrites every key), provided
 * scans are closed: an open scan pins its snapshot, and with it every page freed after it began.
 * The map size needs no setting: lmdb-js starts it small and doubles it when a write needs more.
 */
export class LmdbBytesStore implements BytesStore {
  readonly persistent = true;
  private readonly db: RootDatabase<Buffer, Buffer>;
  private lastCheckpoint: StoreCheckpoint;
  private readonly openScans = new Set<LmdbScan>();
  private open = true;

  /** Opens the store in `path`, a directory of its own (created if missing); what was written there before is kept. */
  constructor(readonly path: string) {
    const problem = existsSync(join(path, 'data.mdb')) ? lmdbFileProblem(join(path, 'data.mdb')) : undefined;
    if (problem !== undefined) throw new ProcessorStateException(`Cannot open the LMDB store at ${path}: ${problem}`);
    try {
      mkdirSync(path, { recursive: true });
      // noSubdir: false, so that a directory name with a dot (`counts.v2`) is not taken for a file.
      this.db = open<Buffer, Buffer>({ path, noSubdir: false, keyEncoding: 'binary', encoding: 'binary' });
    } catch (error) {
      throw new ProcessorStateException(`Cannot open the LMDB store at ${path}: ${errorMessage(error)}; check that the directory can be created and written`, {
        cause: error,
      });
    }
    try {
      const checkpoint = this.db.getBinary(CHECKPOINT_KEY);
      this.lastCheckpoint = checkpoint === undefined ? new Map() : decodeCheckpoint(checkpoint, `the LMDB store at ${path}`);
    } catch (error) {
      // Not left open: whoever handles the error may wipe the directory and open it again.
      this.db.close().catch(() => {});
      throw error;
    }
  }

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.db.getBinary(dataKey(key));
  }

  range(from?: Buffer, to?: Buffer): BytesIterator {
    return this.scan({
      start: from === undefined ? DATA_START : dataKey(from),
      ...(to === undefined ? { end: DATA_END } : { end: dataKey(to), inclusiveEnd: true }),
    });
  }

  reverseRange(from?: Buffer, to?: Buffer): BytesIterator {
    // Reversed, LMDB starts at `start` and stops at `end`; DATA alone is the tagged empty key, the lowest there can be.
    return this.scan({
      reverse: true,
      ...(to === undefined ? { start: DATA_END, exclusiveStart: true } : { start: dataKey(to) }),
      end: from === undefined ? DATA_START : dataKey(from),
      inclusiveEnd: true,
    });
  }

  prefixScan(prefix: Buffer): BytesIterator {
    const end = prefixEnd(prefix);
    return this.scan({ start: dataKey(prefix), end: end === undefined ? DATA_END : dataKey(end) });
  }

  write(batch: readonly BytesChange[], checkpoint?: StoreCheckpoint): void {
    this.assertOpen();
    const next = checkpoint === undefined ? undefined : checkedCheckpoint(checkpoint, `the LMDB store at ${this.path}`);
    try {
      // A throw inside the callback aborts the transaction: nothing of the batch is kept.
      this.db.transactionSync(() => {
        for (const { key, value } of batch) {
          if (value === null) this.db.removeSync(dataKey(key));
          else this.db.putSync(dataKey(key), value);
        }
        if (next !== undefined) this.db.putSync(CHECKPOINT_KEY, encodeCheckpoint(next));
      });
    } catch (error) {
      throw new ProcessorStateException(`Cannot write ${batch.length} changes to the LMDB store at ${this.path}: ${errorMessage(error)}`, { cause: error });
    }
    if (next !== undefined) this.lastCheckpoint = next;
  }

  checkpoint(): StoreCheckpoint {
    this.assertOpen();
    return this.lastCheckpoint;
  }

  approximateNumEntries(): number {
    this.assertOpen();
    // Exact: LMDB keeps a count per B-tree; the checkpoint is the one entry that is not data.
    const { entryCount } = this.db.getStats() as { entryCount: number };
    return entryCount - (this.db.getBinary(CHECKPOINT_KEY) === undefined ? 0 : 1);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    // Cursors first: LMDB must not close an environment under an open cursor.
    for (const scan of [...this.openScans]) scan.close();
    // lmdb-js closes at once when no asynchronous write is pending, and this store makes none; the promise only reports.
    this.db.close().catch(() => {});
  }

  destroy(): void {
    this.close();
    try {
      for (const file of LMDB_FILES) rmSync(join(this.path, file), { force: true });
      rmdirSync(this.path);
    } catch (error) {
      // Whatever else is in the directory is not the store's to delete.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ProcessorStateException(`Cannot remove the LMDB store at ${this.path}: ${errorMessage(error)}`, { cause: error });
      }
    }
  }

  /** Called by a scan when it closes. */
  forget(scan: LmdbScan): void {
    this.openScans.delete(scan);
  }

  private scan(options: RangeOptions): BytesIterator {
    this.assertOpen();
    const scan = new LmdbScan(this, this.db, options, () => this.assertOpen());
    this.openScans.add(scan);
    return scan;
  }

  private assertOpen(): void {
    if (!this.open) throw new InvalidStateStoreException(`The LMDB store at ${this.path} is closed`);
  }
}

/** The key as LMDB holds it: tagged as data. */
function dataKey(key: Buffer): Buffer {
  const tagged = Buffer.allocUnsafe(key.length + 1);
  tagged[0] = DATA;
  key.copy(tagged, 1);
  return tagged;
}

/**
 * A scan over an lmdb-js range iterator. lmdb-js opens its read transaction, the snapshot, when
 * the iterator is created, that is when the scan is asked for, and ends it on `return()`.
 */
class LmdbScan extends CloseableBytesIterator {
  private readonly entries: Iterator<{ key: Buffer; value: Buffer }>;

  constructor(
    private readonly store: LmdbBytesStore,
    db: RootDatabase<Buffer, Buffer>,
    options: RangeOptions,
    assertStoreOpen: () => void,
  ) {
    super(assertStoreOpen);
    this.entries = db.getRange(options)[Symbol.iterator]();
  }

  protected advance(): KeyValue<Buffer, Buffer> | undefined {
    const next = this.entries.next();
    if (next.done) return undefined;
    // lmdb-js gives each key and value a Buffer of its own, so a view past the tag is safe to keep.
    return { key: next.value.key.subarray(1), value: next.value.value };
  }

  protected release(): void {
    this.entries.return?.();
    this.store.forget(this);
  }
}
