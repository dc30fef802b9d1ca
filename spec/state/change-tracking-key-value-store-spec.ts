import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { ChangeTrackingKeyValueStore } from '../../lib/state/change-tracking-key-value-store.ts';
import { InMemoryKeyValueStore } from '../../lib/state/in-memory-key-value-store.ts';

describe('ChangeTrackingKeyValueStore', () => {
  const open = () => {
    const store = new ChangeTrackingKeyValueStore(new InMemoryKeyValueStore<string, number>('counts', Serdes.String(), Serdes.Int()));
    store.init({ applicationId: 'app', taskId: '0_0' });
    return store;
  };

  it('drains each changed key once, with its latest value', () => {
    const store = open();
    store.put('a', 1);
    store.put('a', 2);
    store.put('b', 1);
    expect(store.drainChanges()).to.deep.equal([
      { key: 'a', value: 2 },
      { key: 'b', value: 1 },
    ]);
    expect(store.drainChanges()).to.deep.equal([]);
  });

  it('drains a deleted key as null', () => {
    const store = open();
    store.put('a', 1);
    store.drainChanges();
    expect(store.delete('a')).to.equal(1);
    expect(store.drainChanges()).to.deep.equal([{ key: 'a', value: null }]);
  });

  it('does not track writes made to the inner store (restoration)', () => {
    const store = open();
    store.inner.put('restored', 7);
    expect(store.get('restored')).to.equal(7);
    expect(store.drainChanges()).to.deep.equal([]);
  });

  describe('restored keys', () => {
    it('gives each restored key once, with its latest restored value, and does not drain it as a change', () => {
      const store = open();
      store.restore('a', 1);
      store.restore('b', 1);
      store.restore('a', 2);
      expect(store.drainChanges()).to.deep.equal([]);
      expect(store.restoredCount()).to.equal(2);
      expect(store.takeRestored(10)).to.deep.equal([
        { key: 'a', value: 2 },
        { key: 'b', value: 1 },
      ]);
      expect(store.restoredCount()).to.equal(0);
      expect(store.takeRestored(10)).to.deep.equal([]);
    });

    it('gives a key restored as deleted as null, and a key deleted then restored again with its value', () => {
      const store = open();
      store.restore('a', 1);
      store.restore('a', null);
      store.restore('b', null);
      store.restore('b', 3);
      expect(store.get('a')).to.equal(undefined);
      expect(store.takeRestored(10)).to.deep.equal([
        { key: 'a', value: null },
        { key: 'b', value: 3 },
      ]);
    });

    it('takes them in chunks of at most the size asked for', () => {
      const store = open();
      for (let i = 0; i < 5; i++) store.restore(`k${i}`, i);
      expect(store.takeRestored(2).map((e) => e.key)).to.deep.equal(['k0', 'k1']);
      expect(store.restoredCount()).to.equal(3);
      expect(store.takeRestored(2).map((e) => e.key)).to.deep.equal(['k2', 'k3']);
      expect(store.takeRestored(2).map((e) => e.key)).to.deep.equal(['k4']);
    });

    it('keeps the restored value of a key that processing changes before it is taken', () => {
      const store = open();
      store.restore('a', 1);
      store.restore('b', 1);
      store.restore('gone', null);
      store.put('a', 10);
      store.delete('b');
      store.put('gone', 5);
      expect(store.get('a')).to.equal(10);
      expect(store.takeRestored(10)).to.deep.equal([
        { key: 'a', value: 1 },
        { key: 'b', value: 1 },
        { key: 'gone', value: null },
      ]);
      expect(store.drainChanges()).to.deep.equal([
        { key: 'a', value: 10 },
        { key: 'b', value: null },
        { key: 'gone', value: 5 },
      ]);
    });

    it('does not keep values of keys processing changes after they were taken', () => {
      const store = open();
      store.restore('a', 1);
      store.takeRestored(10);
      store.put('a', 2);
      expect(store.restoredCount()).to.equal(0);
    });

    it('forgets them all, returning the keys restored as deleted that the store still lacks', () => {
      const store = open();
      store.restore('a', 1);
      store.restore('b', null);
      store.restore('c', null);
      store.put('c', 1);
      store.restore('d', 4);
      store.delete('d');
      expect(store.forgetRestored()).to.deep.equal(['b']);
      expect(store.restoredCount()).to.equal(0);
    });
  });
});
