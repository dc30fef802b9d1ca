import type { KeyValue } from '../../processor/record.ts';
import type { BytesIterator } from '../bytes-store.ts';

const DONE: IteratorResult<KeyValue<Buffer, Buffer>, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator protocol of a bytes store's scans, written once for every engine: `close`, `return`
 * (so that a `for...of` left early closes it) and `[Symbol.iterator]`. An engine supplies how to
 * step (`advance`) and what to let go (`release`, called once: at exhaustion, close or return).
 */
export abstract class CloseableBytesIterator implements BytesIterator {
  private closed = false;

  /** `assertStoreOpen` throws once the store is closed: its scans must not look as if they had merely ended. */
  protected constructor(private readonly assertStoreOpen: () => void) {}

  next(): IteratorResult<KeyValue<Buffer, Buffer>, undefined> {
    this.assertStoreOpen();
    if (this.closed) return DONE;
    const entry = this.advance();
    if (entry !== undefined) return { done: false, value: entry };
    this.close();
    return DONE;
  }

  return(): IteratorResult<KeyValue<Buffer, Buffer>, undefined> {
    this.close();
    return DONE;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** The next entry of the scan, or undefined at its end. */
  protected abstract advance(): KeyValue<Buffer, Buffer> | undefined;

  /** Lets go of what the scan holds (a read transaction, a snapshot). */
  protected abstract release(): void;
}
