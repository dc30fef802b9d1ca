import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/*
 * LMDB trusts its data file: opened over a file it did not write, or one cut short, it reads
 * through the memory map past what is there and the process dies (SIGSEGV, SIGBUS) instead of
 * failing. So the file is checked before it is opened, from its two meta pages, as LMDB lays them
 * out (format version 2, lmdb-js 3.x): a page header of 24 bytes, then the meta record with its
 * magic number, its format version, the page size (in the free DB's `md_pad`), the last page in
 * use and the transaction id. LMDB opens the meta page with the higher transaction id, so the file
 * must reach at least to that meta's last page.
 */
const PAGE_HEADER_BYTES = 24;
const MAGIC = 0xbeefc0de;
const FORMAT_VERSION = 2;
const VERSION_AT = 4;
const PAGE_SIZE_AT = 24;
const LAST_PAGE_AT = 120;
const TXN_ID_AT = 128;
const META_BYTES = 136;

/**
 * Why the LMDB data file at `file` (an open descriptor's path) cannot be opened safely, or
 * undefined when its meta pages are sound and the file is as long as they say.
 */
export function lmdbFileProblem(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const first = readMeta(fd, 0, size);
    if (typeof first === 'string') return first;
    const second = readMeta(fd, first.pageSize, size);
    if (typeof second === 'string') return second;
    const current = second.txnId > first.txnId ? second : first;
    const needed = (current.lastPage + 1n) * BigInt(first.pageSize);
    if (BigInt(size) < needed) return `the file is cut short: ${size} bytes where its meta page needs ${needed}`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}

interface Meta {
  readonly pageSize: number;
  readonly lastPage: bigint;
  readonly txnId: bigint;
}

function readMeta(fd: number, pageStart: number, size: number): Meta | string {
  const at = pageStart + PAGE_HEADER_BYTES;
  if (size < at + META_BYTES) return `the file is cut short: ${size} bytes, too few for its meta pages`;
  const meta = Buffer.alloc(META_BYTES);
  readSync(fd, meta, 0, META_BYTES, at);
  if (meta.readUInt32LE(0) !== MAGIC) return `it is not an LMDB file (no LMDB magic number at byte ${at})`;
  const version = meta.readUInt32LE(VERSION_AT);
  if (version !== FORMAT_VERSION) return `it is in LMDB format version ${version}, not ${FORMAT_VERSION}, from another version of the lmdb package`;
  const pageSize = meta.readUInt32LE(PAGE_SIZE_AT);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `its meta page gives a page size of ${pageSize}`;
  return { pageSize, lastPage: meta.readBigUInt64LE(LAST_PAGE_AT), txnId: meta.readBigUInt64LE(TXN_ID_AT) };
}
