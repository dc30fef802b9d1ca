import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Serdes } from '../../lib/index.ts';
import { StateDirectory } from '../../lib/runtime/state-directory.ts';
import { TaskStores } from '../../lib/runtime/task-stores.ts';
import type { StateStore } from '../../lib/state/state-store.ts';
import type { StoreBuilder } from '../../lib/state/store-builder.ts';
import { Stores } from '../../lib/state/stores.ts';
import type { TimestampedKeyValueStore } from '../../lib/state/timestamped-key-value-store.ts';
import { recordingLogger } from '../support/kafka-helpers.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';

const changelog = 'app-counts-changelog';
const key = (k: string): Buffer => Serdes.String().serialize(changelog, k)!;
const value = (v: number): Buffer => Serdes.Int().serialize(changelog, v)!;

describe("A task's stores on disk (stores: { default: 'lmdb' })", () => {
  const temp = tempDirPerSuite('disk-stores');
  let stateDir = '';
  let run = 0;
  beforeEach(() => {
    stateDir = temp.path(`run-${++run}`);
  });

  /** The task 0_0's stores as one instance opens them; `open()` again is a restart on the same folder. */
  const open = () => {
    const recording = recordingLogger('disk');
    const stores = new TaskStores({
      applicationId: 'app',
      taskId: '0_0',
      partition: 0,
      factories: { default: 'lmdb' },
      logged: new Set(['counts']),
      sourceChangelogs: new Map(),
      stateDirectory: new StateDirectory(stateDir, 'app', 'instance', recording.logger),
      logger: recording.logger,
    });
    stores
      .build(Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Int()) as StoreBuilder<StateStore>)
      .init({ applicationId: 'app', taskId: '0_0' });
    return { stores, store: stores.store('counts') as TimestampedKeyValueStore<string, number>, log: recording.tail };
  };
  const storeFolder = () => join(stateDir, 'app', '0_0', 'counts');

  it('restores straight to disk, and a restart replays only what came after the checkpoint', async () => {
    const first = open();
    expect(await first.stores.load(false)).to.deep.equal(new Map([[changelog, 0]]));
    for (let i = 0; i < 25_000; i++) first.stores.restore(changelog, key(`k${i % 20_000}`), value(i));
    first.stores.restoredTo(changelog, 25_000);
    expect(first.store.get('k5')).to.equal(20_005);
    expect(first.store.approximateNumEntries()).to.equal(20_000);
    await first.stores.disconnect();

    const second = open();
    expect(await second.stores.load(false)).to.deep.equal(new Map([[changelog, 25_000]]));
    expect(second.store.get('k19999')).to.equal(19_999);
    expect(second.store.approximateNumEntries()).to.equal(20_000);
    await second.stores.disconnect();
  });

  it('writes processing changes only once their changelog records are acknowledged, with the offset they reach', async () => {
    const first = open();
    await first.stores.load(true);
    first.store.put('a', 1);
    const drain = first.stores.drain(0);
    expect(drain.records.map((r) => r.key!.toString())).to.deep.equal(['a']);
    first.store.put('b', 2);
    await first.stores.persist();
    // Killed here: nothing acknowledged, nothing on disk.
    await first.stores.disconnect();
    const killed = open();
    expect(await killed.stores.load(true)).to.deep.equal(new Map([[changelog, 0]]));
    expect(killed.store.get('a')).to.equal(undefined);
    await killed.stores.disconnect();

    const again = open();
    await again.stores.load(true);
    again.store.put('a', 1);
    again.stores.drain(0).acknowledged(new Map([[`${changelog}:0`, 41]]));
    again.store.put('b', 2);
    await again.stores.persist();
    await again.stores.disconnect();
    const reopened = open();
    expect(await reopened.stores.load(true)).to.deep.equal(new Map([[changelog, 42]]));
    expect(reopened.store.get('a')).to.equal(1);
    expect(reopened.store.get('b')).to.equal(undefined);
    await reopened.stores.disconnect();
  });

  it('wipes a store file it cannot open and restores it from the changelog, saying so', async () => {
    const first = open();
    await first.stores.load(false);
    first.stores.restore(changelog, key('a'), value(1));
    first.stores.restoredTo(changelog, 1);
    await first.stores.disconnect();
    writeFileSync(join(storeFolder(), 'data.mdb'), 'not an LMDB file, but long enough to be read as one: '.repeat(200));

    const second = open();
    expect(await second.stores.load(false)).to.deep.equal(new Map([[changelog, 0]]));
    expect(second.store.get('a')).to.equal(undefined);
    expect(second.log()).to.match(/Store counts: cannot open .*counts .*wiping it, the changelog restores it/);
    await second.stores.disconnect();
  });

  it('fails the task with an error naming the folder when the state directory cannot be written', async () => {
    // A file where the folder should be: even root cannot create a folder in it.
    writeFileSync(temp.path(`file-${run}`), '');
    stateDir = join(temp.path(`file-${run}`), 'state');
    const { stores } = open();
    const error = await stores.load(false).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('ProcessorStateException');
    expect(error?.message).to.contain(join(stateDir, 'app', '0_0'));
  });

  for (const [damage, cut] of [
    ['cut short', (bytes: Buffer) => bytes.subarray(0, bytes.length - 4096)],
    ['from another LMDB format version', (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 28), Buffer.from([7, 0, 0, 0]), bytes.subarray(32)])],
  ] as const) {
    it(`wipes a store file ${damage} and restores it from the changelog, instead of letting LMDB read past it`, async () => {
      const first = open();
      await first.stores.load(false);
      for (let i = 0; i < 2000; i++) first.stores.restore(changelog, key(`k${i}`), value(i));
      first.stores.restoredTo(changelog, 2000);
      await first.stores.disconnect();
      const file = join(storeFolder(), 'data.mdb');
      writeFileSync(file, cut(readFileSync(file)));

      const second = open();
      expect(await second.stores.load(false)).to.deep.equal(new Map([[changelog, 0]]));
      expect(second.store.approximateNumEntries()).to.equal(0);
      expect(second.log()).to.contain('wiping it, the changelog restores it');
      await second.stores.disconnect();
    });
  }

  it('keeps the folder locked until the stores are disconnected', async () => {
    const first = open();
    await first.stores.load(false);
    expect(readdirSync(join(stateDir, 'app', '0_0'))).to.include('.lock');
    await first.stores.disconnect();
    expect(readdirSync(join(stateDir, 'app', '0_0'))).to.not.include('.lock');
  });
});
