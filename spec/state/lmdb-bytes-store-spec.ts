import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessorStateException } from '../../lib/errors.ts';
import type { BytesChange } from '../../lib/state/bytes-store.ts';
import { LmdbBytesStore } from '../../lib/state/lmdb-bytes-store.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';
import { hexKeys } from './bytes-store-contract.ts';

const text = (value: string): Buffer => Buffer.from(value);

/** `count` keys, each with a value of `valueBytes` bytes of `fill`. */
function batchOf(count: number, valueBytes: number, fill: number): BytesChange[] {
  return Array.from({ length: count }, (_, i) => ({ key: text(`key-${String(i).padStart(6, '0')}`), value: Buffer.alloc(valueBytes, fill) }));
}

const dataFileBytes = (path: string): number => statSync(join(path, 'data.mdb')).size;

describe('LmdbBytesStore', () => {
  const dirs = tempDirPerSuite('lmdb-bytes-store');
  const open: LmdbBytesStore[] = [];
  const openStore = (name: string): LmdbBytesStore => {
    const store = new LmdbBytesStore(dirs.path(name));
    open.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of open.splice(0)) store.close();
  });

  it('is persistent: reopened from its directory, it has the data and the checkpoint of the last write', () => {
    const first = openStore('reopened');
    first.write(batchOf(1000, 8, 1), new Map([['app-counts-changelog:0', 1000]]));
    first.write([{ key: text('key-000000'), value: null }], new Map([['app-counts-changelog:0', 1001]]));
    first.close();

    const reopened = openStore('reopened');
    expect(reopened.persistent).to.equal(true);
    expect(reopened.approximateNumEntries()).to.equal(999);
    expect(reopened.get(text('key-000000'))).to.equal(undefined);
    expect(reopened.get(text('key-000999'))).to.deep.equal(Buffer.alloc(8, 1));
    expect([...reopened.checkpoint()]).to.deep.equal([['app-counts-changelog:0', 1001]]);
  });

  it('keeps the checkpoint out of scans and counts: it lives in a key space of its own', () => {
    const store = openStore('checkpoint-apart');
    store.write([{ key: Buffer.from([0x00]), value: text('lowest') }], new Map([['app-counts-changelog:0', 5]]));

    expect(hexKeys(store.range())).to.deep.equal(['00']);
    expect(hexKeys(store.reverseRange())).to.deep.equal(['00']);
    expect(hexKeys(store.prefixScan(Buffer.alloc(0)))).to.deep.equal(['00']);
    expect(store.approximateNumEntries()).to.equal(1);
  });

  it('takes a directory whose name has a dot as a directory, as every store directory is', () => {
    const store = openStore('counts.v2');
    store.write([{ key: text('a'), value: text('1') }]);

    expect(readdirSync(dirs.path('counts.v2')).sort()).to.deep.equal(['data.mdb', 'lock.mdb']);
  });

  it('fails with a ProcessorStateException naming the path when the directory cannot be created', () => {
    // Root may write anywhere, but nobody can make a directory inside a regular file.
    writeFileSync(dirs.path('a-file'), 'not a directory');
    const path = join(dirs.path('a-file'), 'store');

    expect(() => new LmdbBytesStore(path)).to.throw(ProcessorStateException, `Cannot open the LMDB store at ${path}: ENOTDIR`);
  });

  it('refuses a key longer than LMDB takes with an error naming the path, and keeps nothing of that batch', () => {
    const store = openStore('long-key');
    store.write([{ key: text('kept'), value: text('1') }]);

    expect(() =>
      store.write([
        { key: text('not kept'), value: text('2') },
        { key: Buffer.alloc(4000, 0x61), value: text('3') },
      ]),
    ).to.throw(ProcessorStateException, `Cannot write 2 changes to the LMDB store at ${dirs.path('long-key')}`);
    expect(store.get(text('not kept'))).to.equal(undefined);
    expect(hexKeys(store.range())).to.deep.equal([text('kept').toString('hex')]);
  });

  // LMDB lets a write reuse a page once no snapshot needs it, and it keeps the last committed
  // snapshot besides the one being written: a commit that rewrites every key needs room for three
  // copies of the data, and no more however many commits follow.
  it('reuses freed pages: 10 rewrites of every key leave the file within 3x its size after the first', () => {
    const store = openStore('churn');
    store.write(batchOf(5000, 200, 0));
    const afterFirst = dataFileBytes(dirs.path('churn'));
    for (let round = 1; round <= 10; round++) store.write(batchOf(5000, 200, round));

    expect(dataFileBytes(dirs.path('churn'))).to.be.at.most(3.1 * afterFirst);
  });

  it('holds its snapshot until a scan is closed: a scan left open keeps the pages of every rewrite, one closed by break does not', () => {
    const released = openStore('scan-closed');
    released.write(batchOf(5000, 200, 0));
    const releasedStart = dataFileBytes(dirs.path('scan-closed'));
    for (const _ of released.range()) break;
    for (let round = 1; round <= 10; round++) released.write(batchOf(5000, 200, round));

    const pinned = openStore('scan-open');
    pinned.write(batchOf(5000, 200, 0));
    const pinnedStart = dataFileBytes(dirs.path('scan-open'));
    const scan = pinned.range();
    scan.next();
    for (let round = 1; round <= 10; round++) pinned.write(batchOf(5000, 200, round));
    scan.close();

    expect(dataFileBytes(dirs.path('scan-closed'))).to.be.at.most(3.1 * releasedStart);
    expect(dataFileBytes(dirs.path('scan-open'))).to.be.above(6 * pinnedStart);
  });

  it('removes its files and its directory on destroy, and only its files when the directory holds others', () => {
    const alone = openStore('destroyed');
    alone.write([{ key: text('a'), value: text('1') }]);
    alone.destroy();
    expect(existsSync(dirs.path('destroyed'))).to.equal(false);

    const shared = dirs.path('shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'someone-else.txt'), 'not the store`s');
    const beside = openStore('shared');
    beside.write([{ key: text('a'), value: text('1') }]);
    beside.destroy();
    expect(readdirSync(shared)).to.deep.equal(['someone-else.txt']);

    const recreated = openStore('destroyed');
    expect(recreated.approximateNumEntries()).to.equal(0);
    expect([...recreated.checkpoint()]).to.deep.equal([]);
  });
});
