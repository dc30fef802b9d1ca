import { expect } from 'chai';
import { InMemoryKeyValueStore, InvalidStateStoreException, Serdes } from '../../lib/index.ts';
import type { KeyValueStore, Serde } from '../../lib/index.ts';

/** A store as its task opens it. */
function openStore<K, V>(name: string, keySerde?: Serde<K>, valueSerde?: Serde<V>): KeyValueStore<K, V> {
  const store = new InMemoryKeyValueStore<K, V>(name, keySerde, valueSerde);
  store.init({ applicationId: 'app', taskId: '0_0' });
  return store;
}

const keysOf = <K>(entries: readonly { key: K }[]): K[] => entries.map((entry) => entry.key);

describe('InMemoryKeyValueStore', () => {
  describe('get / put / delete', () => {
    it('should return what was put, and undefined for a key never put', () => {
      const store = openStore<string, number>('counts', Serdes.String(), Serdes.Int());
      store.put('laptop', 1);
      store.put('mouse', 2);

      expect(store.get('laptop')).to.equal(1);
      expect(store.get('mouse')).to.equal(2);
      expect(store.get('keyboard')).to.equal(undefined);
    });

    it('should overwrite the value of a key put again', () => {
      const store = openStore<string, number>('counts');
      store.put('laptop', 1);
      store.put('laptop', 5);

      expect(store.get('laptop')).to.equal(5);
      expect(store.approximateNumEntries()).to.equal(1);
    });

    it('should keep falsy values (0, empty string, false) as values, not as deletes', () => {
      const store = openStore<string, unknown>('values');
      store.put('zero', 0);
      store.put('empty', '');
      store.put('no', false);

      expect(store.get('zero')).to.equal(0);
      expect(store.get('empty')).to.equal('');
      expect(store.get('no')).to.equal(false);
      expect(store.approximateNumEntries()).to.equal(3);
    });

    it('should delete the key when null is put, as Kafka Streams does', () => {
      const store = openStore<string, number>('counts');
      store.put('laptop', 1);
      store.put('laptop', null);

      expect(store.get('laptop')).to.equal(undefined);
      expect(store.all()).to.deep.equal([]);
      expect(store.approximateNumEntries()).to.equal(0);
    });

    it('should return the old value from delete and remove the key', () => {
      const store = openStore<string, number>('counts');
      store.put('laptop', 3);

      expect(store.delete('laptop')).to.equal(3);
      expect(store.get('laptop')).to.equal(undefined);
      expect(store.delete('laptop')).to.equal(undefined);
    });

    it('should refuse a null key', () => {
      const store = openStore<string | null, number>('counts');
      expect(() => store.put(null, 1)).to.throw(InvalidStateStoreException, 'Store counts cannot hold a null key');
    });

    it('should treat numbers and strings that look alike as different keys', () => {
      const store = openStore<string | number, string>('mixed');
      store.put(1, 'number');
      store.put('1', 'string');

      expect(store.get(1)).to.equal('number');
      expect(store.get('1')).to.equal('string');
    });
  });

  describe('putIfAbsent / putAll', () => {
    it('should put only when the key is absent, and return the value already there', () => {
      const store = openStore<string, number>('counts');

      expect(store.putIfAbsent('laptop', 1)).to.equal(undefined);
      expect(store.putIfAbsent('laptop', 2)).to.equal(1);
      expect(store.get('laptop')).to.equal(1);
    });

    it('should put every entry, deleting the keys whose value is null', () => {
      const store = openStore<string, number>('counts');
      store.put('gone', 9);
      store.putAll([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
        { key: 'gone', value: null },
        { key: 'a', value: 3 },
      ]);

      expect(store.all()).to.deep.equal([
        { key: 'a', value: 3 },
        { key: 'b', value: 2 },
      ]);
    });
  });

  describe('range / all', () => {
    it('should return every entry in key order, whatever the order of the puts', () => {
      const store = openStore<string, number>('counts', Serdes.String(), Serdes.Int());
      for (const key of ['pear', 'apple', 'fig', 'banana']) store.put(key, key.length);

      expect(store.all()).to.deep.equal([
        { key: 'apple', value: 5 },
        { key: 'banana', value: 6 },
        { key: 'fig', value: 3 },
        { key: 'pear', value: 4 },
      ]);
    });

    it('should return the entries from..to, both ends included', () => {
      const store = openStore<string, number>('counts', Serdes.String(), Serdes.Int());
      for (const key of ['a', 'b', 'ba', 'bz', 'c', 'd']) store.put(key, 1);

      expect(keysOf(store.range('b', 'c'))).to.deep.equal(['b', 'ba', 'bz', 'c']);
      expect(keysOf(store.range('aa', 'bb'))).to.deep.equal(['b', 'ba']);
      expect(store.range('x', 'z')).to.deep.equal([]);
    });

    it('should return nothing for a range whose from is after its to', () => {
      const store = openStore<string, number>('counts', Serdes.String(), Serdes.Int());
      for (const key of ['a', 'b', 'c']) store.put(key, 1);

      expect(store.range('c', 'a')).to.deep.equal([]);
    });

    it('should order string keys by their UTF-8 bytes with a String key serde, as Kafka Streams does', () => {
      // U+FF01 is 'ef bc 81' in UTF-8 and sorts before the emoji ('f0 9f 98 80'),
      // though in UTF-16 (JavaScript's own string order) the emoji's surrogate pair comes first.
      const store = openStore<string, number>('texts', Serdes.String(), Serdes.Int());
      store.put('😀', 1);
      store.put('\uFF01', 2);
      store.put('z', 3);

      expect(keysOf(store.all())).to.deep.equal(['z', '\uFF01', '😀']);
    });

    it('should order int keys by their big-endian bytes with an Int key serde: negative keys last', () => {
      const store = openStore<number, string>('ids', Serdes.Int(), Serdes.String());
      for (const key of [256, -1, 1, 0, -256]) store.put(key, String(key));

      expect(keysOf(store.all())).to.deep.equal([0, 1, 256, -256, -1]);
      expect(keysOf(store.range(0, 300))).to.deep.equal([0, 1, 256]);
    });

    it('should order keys naturally when the store has no key serde', () => {
      const numbers = openStore<number, string>('numbers');
      for (const key of [10, -3, 2]) numbers.put(key, String(key));
      expect(keysOf(numbers.all())).to.deep.equal([-3, 2, 10]);
      expect(keysOf(numbers.range(-5, 5))).to.deep.equal([-3, 2]);

      const strings = openStore<string, number>('strings');
      for (const key of ['b', 'c', 'a']) strings.put(key, 1);
      expect(keysOf(strings.all())).to.deep.equal(['a', 'b', 'c']);
    });

    it('should return a snapshot: later writes do not change an array already returned', () => {
      const store = openStore<string, number>('counts');
      store.put('a', 1);
      const before = store.all();
      store.put('b', 2);
      store.delete('a');

      expect(before).to.deep.equal([{ key: 'a', value: 1 }]);
    });
  });

  describe('object and Buffer keys', () => {
    interface UserDay {
      user: string;
      day: number;
    }

    it('should find an object key by an equal object, not only by the same instance', () => {
      const store = openStore<UserDay, number>('visits', Serdes.Json<UserDay>(), Serdes.Int());
      store.put({ user: 'ann', day: 1 }, 3);
      store.put({ user: 'ann', day: 1 }, 4);

      expect(store.get({ user: 'ann', day: 1 })).to.equal(4);
      expect(store.approximateNumEntries()).to.equal(1);
      expect(store.delete({ user: 'ann', day: 1 })).to.equal(4);
      expect(store.approximateNumEntries()).to.equal(0);
    });

    it('should hand object keys back as objects, ordered by their serialized bytes', () => {
      const store = openStore<UserDay, number>('visits', Serdes.Json<UserDay>(), Serdes.Int());
      store.put({ user: 'bob', day: 1 }, 1);
      store.put({ user: 'ann', day: 2 }, 2);
      store.put({ user: 'ann', day: 1 }, 3);

      expect(store.all()).to.deep.equal([
        { key: { user: 'ann', day: 1 }, value: 3 },
        { key: { user: 'ann', day: 2 }, value: 2 },
        { key: { user: 'bob', day: 1 }, value: 1 },
      ]);
      expect(store.range({ user: 'ann', day: 2 }, { user: 'bob', day: 1 })).to.deep.equal([
        { key: { user: 'ann', day: 2 }, value: 2 },
        { key: { user: 'bob', day: 1 }, value: 1 },
      ]);
    });

    it('should treat objects with the same properties as one key when the store has no key serde', () => {
      const store = openStore<Record<string, unknown>, string>('composite');
      store.put({ user: 'ann', day: 1 }, 'first');
      store.put({ day: 1, user: 'ann' }, 'second');

      expect(store.approximateNumEntries()).to.equal(1);
      expect(store.get({ user: 'ann', day: 1 })).to.equal('second');
    });

    it('should find a Buffer key by another Buffer with the same bytes', () => {
      const store = openStore<Buffer, string>('raw', Serdes.Buffer(), Serdes.String());
      store.put(Buffer.from([2]), 'two');
      store.put(Buffer.from([1, 255]), 'one');

      expect(store.get(Buffer.from([2]))).to.equal('two');
      expect(store.all().map((entry) => entry.value)).to.deep.equal(['one', 'two']);
    });
  });

  describe('life cycle', () => {
    it('should count its entries', () => {
      const store = openStore<string, number>('counts');
      expect(store.approximateNumEntries()).to.equal(0);
      store.putAll([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ]);
      expect(store.approximateNumEntries()).to.equal(2);
    });

    it('should be in memory only, and open from init until close', () => {
      const store = new InMemoryKeyValueStore<string, number>('counts');
      expect(store.persistent).to.equal(false);
      expect(store.isOpen()).to.equal(false);
      store.init({ applicationId: 'app', taskId: '0_0' });
      expect(store.isOpen()).to.equal(true);
      store.close();
      expect(store.isOpen()).to.equal(false);
    });

    it('should refuse every read and write, naming the store, before init and after close', () => {
      const unopened = new InMemoryKeyValueStore<string, number>('counts');
      expect(() => unopened.get('a')).to.throw(InvalidStateStoreException, 'Store counts is not open');

      const store = openStore<string, number>('counts');
      store.put('a', 1);
      store.close();
      const uses: [string, () => unknown][] = [
        ['get', () => store.get('a')],
        ['put', () => store.put('a', 2)],
        ['putIfAbsent', () => store.putIfAbsent('b', 2)],
        ['putAll', () => store.putAll([{ key: 'b', value: 2 }])],
        ['delete', () => store.delete('a')],
        ['range', () => store.range('a', 'z')],
        ['all', () => store.all()],
        ['approximateNumEntries', () => store.approximateNumEntries()],
      ];
      for (const [name, use] of uses) expect(use, name).to.throw(InvalidStateStoreException, 'Store counts is not open');
    });
  });
});
