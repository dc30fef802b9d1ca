import { expect } from 'chai';
import Keyv from 'keyv';
import { Serdes } from '../../lib/index.ts';
import { TaskStores } from '../../lib/runtime/task-stores.ts';
import { Stores } from '../../lib/state/stores.ts';
import type { StoreBuilder } from '../../lib/state/store-builder.ts';
import type { StateStore } from '../../lib/state/state-store.ts';
import { KeyvBackend } from '../../lib/state/keyv-backend.ts';
import { topicPartitionKey } from '../../lib/kafka/topic-partition.ts';

const applicationId = 'app';
const changelog = 'app-counts-changelog';
const key = (k: string): Buffer => Serdes.String().serialize(changelog, k)!;
const value = (v: number): Buffer => Serdes.Int().serialize(changelog, v)!;

/** A task's stores over one in-memory Keyv Map (kept across "restarts"), and what that Map holds for the store. */
function setUp(shared = new Map<string, unknown>()) {
  const stores = new TaskStores({
    applicationId,
    taskId: '0_0',
    partition: 0,
    factories: { default: () => new Keyv({ store: shared }) },
    logged: new Set(['counts']),
    sourceChangelogs: new Map(),
  });
  const store = stores.build(Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Int()) as StoreBuilder<StateStore>);
  store.init({ applicationId, taskId: '0_0' });
  const backend = new KeyvBackend(new Keyv({ store: shared }), 'counts', `${applicationId}/counts/0_0;`);
  const persisted = async (): Promise<{ entries: Record<string, number>; offset: number | undefined }> => {
    const { entries, checkpoint } = await backend.load();
    return {
      entries: Object.fromEntries(entries.map(([k, v]) => [Serdes.String().deserialize(changelog, k), Serdes.Int().deserialize(changelog, v)])),
      offset: checkpoint?.offset,
    };
  };
  return { shared, stores, store: stores.store('counts')!, persisted };
}

describe('TaskStores', () => {
  it('writes restored records behind to Keyv with the checkpoint restored to', async () => {
    const { stores, persisted } = setUp();
    expect(await stores.load(false)).to.deep.equal(new Map([[changelog, 0]]));
    stores.restore(changelog, key('a'), value(1));
    stores.restore(changelog, key('b'), value(1));
    stores.restore(changelog, key('a'), value(2));
    stores.restore(changelog, key('b'), null);
    stores.restoredTo(changelog, 4);
    await stores.persist();
    expect(await persisted()).to.deep.equal({ entries: { a: 2 }, offset: 3 });
  });

  it('writes more restored records than one chunk holds', async () => {
    const { stores, persisted } = setUp();
    await stores.load(false);
    for (let i = 0; i < 12_345; i++) stores.restore(changelog, key(`k${i}`), value(i));
    stores.restoredTo(changelog, 12_345);
    await stores.persist();
    const { entries, offset } = await persisted();
    expect(Object.keys(entries)).to.have.length(12_345);
    expect(entries.k12344).to.equal(12_344);
    expect(offset).to.equal(12_344);
  });

  it('deletes a key a replayed tail deletes, from a backend that held it', async () => {
    const first = setUp();
    await first.stores.load(false);
    first.stores.restore(changelog, key('a'), value(1));
    first.stores.restore(changelog, key('b'), value(1));
    first.stores.restoredTo(changelog, 2);
    await first.stores.persist(true);
    const second = setUp(first.shared);
    expect(await second.stores.load(false)).to.deep.equal(new Map([[changelog, 2]]));
    second.stores.restore(changelog, key('a'), null);
    second.stores.restoredTo(changelog, 3);
    await second.stores.persist();
    expect(await second.persisted()).to.deep.equal({ entries: { b: 1 }, offset: 2 });
  });

  it('writes a restored key that processing changed since as restored, until its change is acknowledged', async () => {
    const { stores, store, persisted } = setUp();
    await stores.load(false);
    stores.restore(changelog, key('a'), value(1));
    stores.restoredTo(changelog, 1);
    store.put('a', 5);
    const drain = stores.drain(0);
    // Not acknowledged yet: Keyv must hold what the changelog holds up to the checkpoint.
    await stores.persist();
    expect(await persisted()).to.deep.equal({ entries: { a: 1 }, offset: 0 });
    drain.acknowledged(new Map([[topicPartitionKey({ topic: changelog, partition: 0 }), 1]]));
    await stores.persist();
    expect(await persisted()).to.deep.equal({ entries: { a: 5 }, offset: 1 });
  });

  it('writes the acknowledged change of a restored key, not its restored value', async () => {
    const { stores, store, persisted } = setUp();
    await stores.load(false);
    stores.restore(changelog, key('a'), value(1));
    stores.restoredTo(changelog, 1);
    store.put('a', 5);
    stores.drain(0).acknowledged(new Map([[topicPartitionKey({ topic: changelog, partition: 0 }), 1]]));
    store.put('a', 6);
    await stores.persist();
    expect(await persisted()).to.deep.equal({ entries: { a: 5 }, offset: 1 });
  });

  it('keeps the restored records it could not write for the next persist', async () => {
    const { shared, stores, persisted } = setUp();
    await stores.load(false);
    stores.restore(changelog, key('a'), value(1));
    stores.restore(changelog, key('b'), null);
    stores.restoredTo(changelog, 2);
    const set = shared.set.bind(shared);
    shared.set = () => {
      throw new Error('the backend is down');
    };
    let failed: unknown;
    await stores.persist().catch((error: unknown) => (failed = error));
    expect(failed).to.be.an('error');
    shared.set = set;
    await stores.persist();
    expect(await persisted()).to.deep.equal({ entries: { a: 1 }, offset: 1 });
  });
});
