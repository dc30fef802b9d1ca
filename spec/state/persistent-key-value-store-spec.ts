import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { InHeapBytesStore } from '../../lib/state/in-heap-bytes-store.ts';
import { PersistentKeyValueStore } from '../../lib/state/persistent-key-value-store.ts';

const topic = 'app-counts-changelog';
const bytesOf = (key: string): Buffer => Serdes.String().serialize(topic, key)!;
const checkpointAt = (offset: number) => new Map([[`${topic}:0`, offset]]);

describe('PersistentKeyValueStore', () => {
  const open = () => {
    const bytes = new InHeapBytesStore('counts');
    const store = new PersistentKeyValueStore<string, number>('counts', Serdes.String(), Serdes.Int(), topic);
    store.attach(bytes);
    store.init({ applicationId: 'app', taskId: '0_0' });
    return { store, bytes };
  };
  /** What a restart sees: a new store over the same bytes. */
  const reopened = (bytes: InHeapBytesStore) => {
    const store = new PersistentKeyValueStore<string, number>('counts', Serdes.String(), Serdes.Int(), topic);
    store.attach(bytes);
    store.init({ applicationId: 'app', taskId: '0_0' });
    return store;
  };

  it('reads its own changes before they are written, and writes nothing to the bytes store until told', () => {
    const { store, bytes } = open();
    store.put('a', 1);
    store.putWithTimestamp('b', 2, 50);
    expect(store.get('a')).to.equal(1);
    expect(store.timestampOf('b')).to.equal(50);
    expect(store.timestampOf('a')).to.equal(undefined);
    expect(bytes.approximateNumEntries()).to.equal(0);
    expect(store.approximateNumEntries()).to.equal(2);
  });

  it('drains each changed key once with its latest value serialized, as a changelog record needs it', () => {
    const { store } = open();
    store.put('a', 1);
    store.put('a', 2);
    store.delete('a');
    store.put('b', 3);
    const drained = store.drainChanges();
    expect(drained.map((d) => [d.key, d.keyBytes.toString(), d.valueBytes === null ? null : Serdes.Int().deserialize(topic, d.valueBytes)])).to.deep.equal([
      ['a', 'a', null],
      ['b', 'b', 3],
    ]);
    expect(store.drainChanges()).to.deep.equal([]);
  });

  it('writes drained changes with their checkpoint in one write, and a restart reads them, timestamps included', () => {
    const { store, bytes } = open();
    store.putWithTimestamp('a', 1, 100);
    store.put('b', 2);
    store.writeDrained(store.drainChanges(), [], checkpointAt(7));
    expect(store.unwrittenCount()).to.equal(0);
    expect(bytes.checkpoint()).to.deep.equal(checkpointAt(7));
    const again = reopened(bytes);
    expect(again.get('a')).to.equal(1);
    expect(again.timestampOf('a')).to.equal(100);
    expect(again.get('b')).to.equal(2);
    expect(again.timestampOf('b')).to.equal(undefined);
  });

  it('keeps in the heap a key put again after its drain, so that the older write does not hide the newer value', () => {
    const { store, bytes } = open();
    store.put('a', 1);
    const drained = store.drainChanges();
    store.put('a', 2);
    store.writeDrained(drained, [], checkpointAt(1));
    expect(store.get('a')).to.equal(2);
    expect(reopened(bytes).get('a')).to.equal(1);
    expect(store.drainChanges().map((d) => d.key)).to.deep.equal(['a']);
  });

  it('drops nothing that was not drained: changes after the drain stay for the next one', () => {
    const { store } = open();
    store.put('a', 1);
    const drained = store.drainChanges();
    store.put('b', 2);
    store.writeDrained(drained, [], checkpointAt(1));
    expect(store.unwrittenCount()).to.equal(1);
    expect(store.drainChanges().map((d) => d.key)).to.deep.equal(['b']);
  });

  it('ranges over the bytes store and the unwritten changes together, in key-byte order, deletes hiding stored keys', () => {
    const { store } = open();
    for (const key of ['a', 'c', 'e', 'g']) store.put(key, 1);
    store.writeDrained(store.drainChanges(), [], checkpointAt(4));
    store.put('b', 2);
    store.put('e', 5);
    store.delete('c');
    store.put('z', 9);
    expect(store.range('b', 'g')).to.deep.equal([
      { key: 'b', value: 2 },
      { key: 'e', value: 5 },
      { key: 'g', value: 1 },
    ]);
    expect(store.all().map((e) => e.key)).to.deep.equal(['a', 'b', 'e', 'g', 'z']);
    expect(store.range('g', 'b')).to.deep.equal([]);
    expect(store.approximateNumEntries()).to.equal(5);
  });

  it('writes restored records as the bytes store keeps them, and a restored record replaces an unwritten change of its key', () => {
    const { store, bytes } = open();
    store.put('a', 1);
    store.forgetUnwritten(bytesOf('a'));
    bytes.write([
      PersistentKeyValueStore.restoredChange(bytesOf('a'), Serdes.Int().serialize(topic, 40)),
      PersistentKeyValueStore.restoredChange(bytesOf('b'), null),
    ]);
    expect(store.get('a')).to.equal(40);
    expect(store.timestampOf('a')).to.equal(undefined);
    expect(store.drainChanges()).to.deep.equal([]);
  });

  it('reads by encoded key as by key, for steps that encode a key once per record', () => {
    const { store } = open();
    const encoded = store.encodeKey('k');
    store.putEncodedWithTimestamp('k', encoded, 3, 9);
    store.writeDrained(store.drainChanges(), [], checkpointAt(1));
    expect(store.getEncoded(encoded)).to.equal(3);
    expect(store.timestampOfEncoded(encoded)).to.equal(9);
  });

  it('refuses a null key, naming the store', () => {
    const { store } = open();
    expect(() => store.put(null as unknown as string, 1)).to.throw(/Store counts cannot hold a null key/);
  });

  it('cannot be read once closed', () => {
    const { store } = open();
    store.close();
    expect(() => store.get('a')).to.throw(/Store counts is not open/);
  });
});
