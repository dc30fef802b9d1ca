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
});
