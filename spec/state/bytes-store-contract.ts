import { expect } from 'chai';
import { InvalidStateStoreException, ProcessorStateException } from '../../lib/errors.ts';
import type { BytesChange, BytesIterator, BytesStore } from '../../lib/state/bytes-store.ts';

/** Keys and values written as bytes, read back as hex: `bytes(0x7f, 0x00)`, and `hexKeys` of a scan. */
export const bytes = (...values: number[]): Buffer => Buffer.from(values);
const text = (value: string): Buffer => Buffer.from(value);
const put = (key: Buffer, value: Buffer): BytesChange => ({ key, value });
const remove = (key: Buffer): BytesChange => ({ key, value: null });

/** The keys a scan yields, as hex strings, closing it. */
export function hexKeys(scan: BytesIterator): string[] {
  return [...scan].map((entry) => entry.key.toString('hex'));
}

function textKeys(scan: BytesIterator): string[] {
  return [...scan].map((entry) => entry.key.toString());
}

/** `a`..`e`, each with the value `value-<key>`. */
function abcde(store: BytesStore): void {
  store.write(['c', 'a', 'e', 'b', 'd'].map((key) => put(text(key), text(`value-${key}`))));
}

/**
 * What every bytes-store engine must do, run against each (`bytes-store-spec.ts`). `create` makes
 * a new, empty store; the suite closes each store it made after each test.
 */
export function bytesStoreContract(create: () => BytesStore): void {
  const made: BytesStore[] = [];
  const newStore = (): BytesStore => {
    const store = create();
    made.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of made.splice(0)) store.destroy();
  });

  describe('get and write', () => {
    it('returns what was written, undefined for a key never written, and the last value of a key written again', () => {
      const store = newStore();
      store.write([put(text('laptop'), text('1')), put(text('mouse'), text('2'))]);
      store.write([put(text('laptop'), text('5'))]);

      expect(store.get(text('laptop'))?.toString()).to.equal('5');
      expect(store.get(text('mouse'))?.toString()).to.equal('2');
      expect(store.get(text('keyboard'))).to.equal(undefined);
    });

    it('keeps an empty key and an empty value (a String serde writes "" as no bytes)', () => {
      const store = newStore();
      store.write([put(bytes(), text('empty key')), put(text('empty value'), bytes())]);

      expect(store.get(bytes())?.toString()).to.equal('empty key');
      expect(store.get(text('empty value'))?.length).to.equal(0);
      expect(hexKeys(store.range())).to.deep.equal(['', text('empty value').toString('hex')]);
    });

    it('deletes a key written with a null value, and ignores the delete of a key it does not hold', () => {
      const store = newStore();
      abcde(store);
      store.write([remove(text('b')), remove(text('zzz'))]);

      expect(store.get(text('b'))).to.equal(undefined);
      expect(textKeys(store.range())).to.deep.equal(['a', 'c', 'd', 'e']);
      expect(store.approximateNumEntries()).to.equal(4);
    });

    it('applies a batch in order: the last change of a key wins', () => {
      const store = newStore();
      store.write([put(text('a'), text('1')), remove(text('a')), remove(text('b')), put(text('b'), text('2')), put(text('b'), text('3'))]);

      expect(store.get(text('a'))).to.equal(undefined);
      expect(store.get(text('b'))?.toString()).to.equal('3');
      expect(store.approximateNumEntries()).to.equal(1);
    });

    it('copies what it keeps: changing the written Buffers afterwards changes nothing in the store', () => {
      const store = newStore();
      const key = text('key');
      const value = text('value');
      store.write([put(key, value)]);
      key.fill(0);
      value.fill(0);

      expect(store.get(text('key'))?.toString()).to.equal('value');
    });

    it('counts the keys it holds: overwrites add none, deletes take one', () => {
      const store = newStore();
      expect(store.approximateNumEntries()).to.equal(0);
      abcde(store);
      store.write([put(text('a'), text('again')), remove(text('e')), put(text('f'), text('new'))]);

      expect(store.approximateNumEntries()).to.equal(5);
    });
  });

  describe('key order', () => {
    it('orders keys by unsigned bytes (0x00 < 0x7f < 0x80 < 0xff), a prefix before the longer keys it starts', () => {
      const store = newStore();
      const keys = [bytes(0x80), bytes(0xff, 0x00), bytes(0x00), bytes(0xff), bytes(0x7f, 0xff), bytes(0x7f), bytes(0x7f, 0x00), bytes(), bytes(0x00, 0x00)];
      store.write(keys.map((key) => put(key, text('v'))));

      expect(hexKeys(store.range())).to.deep.equal(['', '00', '0000', '7f', '7f00', '7fff', '80', 'ff', 'ff00']);
      expect(hexKeys(store.reverseRange())).to.deep.equal(['ff00', 'ff', '80', '7fff', '7f00', '7f', '0000', '00', '']);
    });
  });

  describe('range', () => {
    it('includes both bounds, as Kafka`s KeyValueStore.range', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.range(text('b'), text('d')))).to.deep.equal(['b', 'c', 'd']);
      expect(textKeys(store.range(text('c'), text('c')))).to.deep.equal(['c']);
    });

    it('takes bounds that are not keys of the store', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.range(text('bb'), text('dd')))).to.deep.equal(['c', 'd']);
      expect(textKeys(store.range(text('0'), text('b')))).to.deep.equal(['a', 'b']);
      expect(textKeys(store.range(text('f'), text('z')))).to.deep.equal([]);
    });

    it('leaves an end open when its bound is undefined', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.range(undefined, text('b')))).to.deep.equal(['a', 'b']);
      expect(textKeys(store.range(text('d')))).to.deep.equal(['d', 'e']);
      expect(textKeys(store.range())).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    });

    it('yields nothing when `from` is after `to`', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.range(text('d'), text('b')))).to.deep.equal([]);
      expect(textKeys(store.reverseRange(text('d'), text('b')))).to.deep.equal([]);
    });

    it('yields values with their keys', () => {
      const store = newStore();
      abcde(store);

      const entries = [...store.range(text('b'), text('c'))].map(({ key, value }) => `${key}=${value}`);
      expect(entries).to.deep.equal(['b=value-b', 'c=value-c']);
    });
  });

  describe('reverseRange', () => {
    it('yields the entries of range(from, to) from the last to the first, both bounds included', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.reverseRange(text('b'), text('d')))).to.deep.equal(['d', 'c', 'b']);
      expect(textKeys(store.reverseRange(text('bb'), text('dd')))).to.deep.equal(['d', 'c']);
    });

    it('leaves an end open when its bound is undefined', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.reverseRange(undefined, text('b')))).to.deep.equal(['b', 'a']);
      expect(textKeys(store.reverseRange(text('d')))).to.deep.equal(['e', 'd']);
      expect(textKeys(store.reverseRange())).to.deep.equal(['e', 'd', 'c', 'b', 'a']);
    });
  });

  describe('prefixScan', () => {
    it('yields the keys that start with the prefix, the prefix itself first', () => {
      const store = newStore();
      const keys = [bytes(0x01), bytes(0x01, 0x02), bytes(0x01, 0x02, 0x00), bytes(0x01, 0x02, 0xff), bytes(0x01, 0x03), bytes(0x02), bytes(0x00, 0x01, 0x02)];
      store.write(keys.map((key) => put(key, text('v'))));

      expect(hexKeys(store.prefixScan(bytes(0x01, 0x02)))).to.deep.equal(['0102', '010200', '0102ff']);
      expect(hexKeys(store.prefixScan(bytes(0x01)))).to.deep.equal(['01', '0102', '010200', '0102ff', '0103']);
    });

    it('scans to the end for a prefix of 0xff bytes, which has no next prefix', () => {
      const store = newStore();
      const keys = [bytes(0xfe, 0xff), bytes(0xff), bytes(0xff, 0x00), bytes(0xff, 0xff), bytes(0xff, 0xff, 0x01)];
      store.write(keys.map((key) => put(key, text('v'))));

      expect(hexKeys(store.prefixScan(bytes(0xff)))).to.deep.equal(['ff', 'ff00', 'ffff', 'ffff01']);
      expect(hexKeys(store.prefixScan(bytes(0xff, 0xff)))).to.deep.equal(['ffff', 'ffff01']);
      expect(hexKeys(store.prefixScan(bytes(0xfe)))).to.deep.equal(['feff']);
    });

    it('yields every key for an empty prefix', () => {
      const store = newStore();
      abcde(store);

      expect(textKeys(store.prefixScan(bytes()))).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    });
  });

  describe('checkpoint', () => {
    it('is empty until a write brings one', () => {
      const store = newStore();
      abcde(store);

      expect([...store.checkpoint()]).to.deep.equal([]);
    });

    it('is what the last write with a checkpoint brought, whole: a write without one keeps it', () => {
      const store = newStore();
      store.write(
        [put(text('a'), text('1'))],
        new Map([
          ['app-counts-changelog:0', 10],
          ['app-counts-changelog:1', 7],
        ]),
      );
      store.write([put(text('b'), text('2'))]);
      expect([...store.checkpoint()]).to.deep.equal([
        ['app-counts-changelog:0', 10],
        ['app-counts-changelog:1', 7],
      ]);

      store.write([put(text('c'), text('3'))], new Map([['app-counts-changelog:0', 12]]));
      expect([...store.checkpoint()]).to.deep.equal([['app-counts-changelog:0', 12]]);
    });

    it('can be written with an empty batch', () => {
      const store = newStore();
      store.write([], new Map([['app-counts-changelog:0', 3]]));

      expect(store.checkpoint().get('app-counts-changelog:0')).to.equal(3);
      expect(store.approximateNumEntries()).to.equal(0);
    });

    it('refuses an offset that is not an integer >= 0, and keeps the batch out too', () => {
      const store = newStore();
      store.write([put(text('a'), text('1'))], new Map([['app-counts-changelog:0', 1]]));

      for (const offset of [Number.NaN, -1, 1.5]) {
        expect(() => store.write([put(text('b'), text('2'))], new Map([['app-counts-changelog:0', offset]]))).to.throw(
          ProcessorStateException,
          `the offset of changelog app-counts-changelog:0 is ${offset}`,
        );
      }
      expect(store.get(text('b'))).to.equal(undefined);
      expect([...store.checkpoint()]).to.deep.equal([['app-counts-changelog:0', 1]]);
    });
  });

  describe('iterators', () => {
    it('are lazy: a scan reads as it goes, and stops where the caller stops', () => {
      const store = newStore();
      abcde(store);
      const scan = store.range();

      expect(scan.next().value?.key.toString()).to.equal('a');
      expect(scan.next().value?.key.toString()).to.equal('b');
      scan.close();
      expect(scan.next().done).to.equal(true);
    });

    it('see the store as it was when the scan began, whatever is written while they are open', () => {
      const store = newStore();
      abcde(store);
      const scan = store.range();
      expect(scan.next().value?.key.toString()).to.equal('a');

      store.write([put(text('bb'), text('new')), remove(text('d')), put(text('e'), text('changed')), remove(text('a'))]);

      const rest = [...scan].map(({ key, value }) => `${key}=${value}`);
      expect(rest).to.deep.equal(['b=value-b', 'c=value-c', 'd=value-d', 'e=value-e']);
      expect(textKeys(store.range())).to.deep.equal(['b', 'bb', 'c', 'e']);
      expect(store.get(text('e'))?.toString()).to.equal('changed');
    });

    it('see the writes made before the scan began, in the same turn', () => {
      const store = newStore();
      abcde(store);
      store.write([put(text('c'), text('changed')), remove(text('d'))]);

      expect([...store.range(text('c'))].map(({ key, value }) => `${key}=${value}`)).to.deep.equal(['c=changed', 'e=value-e']);
    });

    it('are closed by a `break` out of for...of: the next call says done', () => {
      const store = newStore();
      abcde(store);
      const scan = store.range();
      const seen: string[] = [];
      for (const entry of scan) {
        seen.push(entry.key.toString());
        if (seen.length === 2) break;
      }

      expect(seen).to.deep.equal(['a', 'b']);
      expect(scan.next()).to.deep.equal({ done: true, value: undefined });
    });

    it('can be closed twice, and many at once are independent', () => {
      const store = newStore();
      abcde(store);
      const first = store.range();
      const second = store.reverseRange();
      first.next();
      first.close();
      first.close();

      expect(second.next().value?.key.toString()).to.equal('e');
      expect(textKeys(store.prefixScan(text('c')))).to.deep.equal(['c']);
      second.close();
    });
  });

  describe('close', () => {
    it('makes every later call, and the iterators still open, throw InvalidStateStoreException', () => {
      const store = newStore();
      abcde(store);
      const scan = store.range();
      scan.next();
      store.close();
      store.close();

      expect(() => store.get(text('a'))).to.throw(InvalidStateStoreException, 'is closed');
      expect(() => store.range()).to.throw(InvalidStateStoreException, 'is closed');
      expect(() => store.write([put(text('x'), text('1'))])).to.throw(InvalidStateStoreException, 'is closed');
      expect(() => store.checkpoint()).to.throw(InvalidStateStoreException, 'is closed');
      expect(() => scan.next()).to.throw(InvalidStateStoreException, 'is closed');
    });
  });

  describe('at scale', () => {
    it('agrees with a sorted model through random batches of puts and deletes (leaves and branches split and merge)', () => {
      const store = newStore();
      const model = new Map<string, string>();
      const random = seededRandom(20);
      const keyOf = (n: number): Buffer => Buffer.from(n.toString(16).padStart(6, '0'), 'hex');
      for (let round = 0; round < 40; round++) {
        // Grows to ~20,000 keys, then deletes most of them, so that the tree shrinks again.
        const deleting = round >= 25 ? 0.8 : 0.15;
        const batch: BytesChange[] = [];
        for (let i = 0; i < 1500; i++) {
          const key = keyOf(Math.floor(random() * 40_000));
          const value = random() < deleting ? null : Buffer.from(`${round}-${i}`.repeat(1 + Math.floor(random() * 3)));
          batch.push({ key, value });
          if (value === null) model.delete(key.toString('hex'));
          else model.set(key.toString('hex'), value.toString('hex'));
        }
        store.write(batch);
        expect(store.approximateNumEntries(), `entries after round ${round}`).to.equal(model.size);
      }
      const sorted = [...model.keys()].sort();

      expect(hexKeys(store.range())).to.deep.equal(sorted);
      expect(hexKeys(store.reverseRange())).to.deep.equal([...sorted].reverse());
      for (const [key, value] of model) expect(store.get(Buffer.from(key, 'hex'))?.toString('hex')).to.equal(value);
      for (let i = 0; i < 50; i++) {
        const [low, high] = [keyOf(Math.floor(random() * 40_000)), keyOf(Math.floor(random() * 40_000))].sort(Buffer.compare);
        const expected = sorted.filter((key) => key >= low.toString('hex') && key <= high.toString('hex'));
        expect(hexKeys(store.range(low, high))).to.deep.equal(expected);
        expect(hexKeys(store.reverseRange(low, high))).to.deep.equal([...expected].reverse());
        const prefix = low.subarray(0, 2);
        expect(hexKeys(store.prefixScan(prefix))).to.deep.equal(sorted.filter((key) => key.startsWith(prefix.toString('hex'))));
      }
    });
  });
}

/** A small deterministic generator (mulberry32), so that a failure replays the same way. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
