import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import Keyv from 'keyv';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvBackend } from '../../lib/state/keyv-backend.ts';
import { InvalidStateStoreException, KeyvBackendException } from '../../lib/errors.ts';

const adapters: Record<string, () => Keyv> = {
  'in-memory': () => new Keyv(),
  'Redis (127.0.0.1:6379)': () => new Keyv({ store: new KeyvRedis('redis://127.0.0.1:6379') }),
  'PostgreSQL (127.0.0.1:5432)': () =>
    new Keyv({ store: new KeyvPostgres({ uri: 'postgresql://postgres@127.0.0.1:5432/test', table: 'rx_kafka_streams_spec' }) }),
  'SQLite (a file on disk)': () => new Keyv({ store: new KeyvSqlite(`sqlite://${join(tmpdir(), 'rx-kafka-streams-spec.sqlite')}`) }),
};

for (const [name, create] of Object.entries(adapters)) {
  describe(`KeyvBackend over ${name}`, function () {
    this.timeout(20_000);
    const opened: KeyvBackend[] = [];
    const backend = (namespace: string, keyv = create()): KeyvBackend => {
      const created = new KeyvBackend(keyv, 'counts', namespace);
      opened.push(created);
      return created;
    };

    afterEach(async () => {
      for (const b of opened.splice(0)) {
        await b.clear();
        await b.disconnect();
      }
    });

    it('round-trips entries as bytes with their checkpoint', async () => {
      const app = randomUUID();
      const store = backend(`${app}/counts/0_0;`);
      const key = Buffer.from([0, 255, 1, 2]);
      const value = Buffer.from('{"n":1}');
      await store.write(
        [
          [key, value],
          [Buffer.from('gone'), null],
        ],
        { offset: 41, clean: false },
      );
      const { entries, checkpoint } = await store.load();
      expect(entries).to.deep.equal([[key, value]]);
      expect(checkpoint).to.deep.equal({ offset: 41, clean: false });
    });

    it('deletes entries written with a null value', async () => {
      const store = backend(`${randomUUID()}/counts/0_0;`);
      await store.write([[Buffer.from('a'), Buffer.from('1')]], { offset: 1, clean: true });
      await store.write([[Buffer.from('a'), null]], { offset: 2, clean: true });
      const { entries, checkpoint } = await store.load();
      expect(entries).to.deep.equal([]);
      expect(checkpoint?.offset).to.equal(2);
    });

    it("keeps tasks apart even when one task id is a prefix of another's (0_1 and 0_10)", async () => {
      const app = randomUUID();
      const one = backend(`${app}/counts/0_1;`);
      const ten = backend(`${app}/counts/0_10;`);
      await one.write([[Buffer.from('k1'), Buffer.from('1')]], { offset: 0, clean: true });
      await ten.write([[Buffer.from('k10'), Buffer.from('10')]], { offset: 0, clean: true });
      expect((await one.load()).entries.map(([k]) => k.toString())).to.deep.equal(['k1']);
      expect((await ten.load()).entries.map(([k]) => k.toString())).to.deep.equal(['k10']);
      await one.clear();
      expect((await ten.load()).entries).to.have.length(1);
    });
  });
}

describe('KeyvBackend errors', () => {
  it('surfaces an adapter error naming the store, instead of a silent false', async () => {
    const broken = new Keyv({
      store: {
        get: async () => undefined,
        set: async () => {
          throw new Error('disk full');
        },
        delete: async () => true,
        clear: async () => {},
        on: () => {},
      } as never,
    });
    const backend = new KeyvBackend(broken, 'counts', 'app/counts/0_0;');
    let error: Error | undefined;
    await backend.write([[Buffer.from('a'), Buffer.from('1')]], { offset: 0, clean: true }).catch((e: Error) => (error = e));
    // A backend failure the task waits out (the changelog holds the store), still an InvalidStateStoreException.
    expect(error).to.be.instanceOf(KeyvBackendException);
    expect(error).to.be.instanceOf(InvalidStateStoreException);
    expect(error?.message).to.contain('store counts');
    expect(error?.message).to.contain('disk full');
  });

  it('gives up on a write the adapter never answers (node-redis queues commands while Redis is gone) after 5 s', async function () {
    this.timeout(10_000);
    const silent = new Keyv({
      store: { get: async () => undefined, set: () => new Promise(() => {}), delete: async () => true, clear: async () => {}, on: () => {} } as never,
    });
    const backend = new KeyvBackend(silent, 'counts', 'app/counts/0_0;');
    let error: Error | undefined;
    await backend.write([[Buffer.from('a'), Buffer.from('1')]], { offset: 0, clean: false }).catch((e: Error) => (error = e));
    expect(error).to.be.instanceOf(KeyvBackendException);
    expect(error?.message).to.match(/store counts .*no answer within 5000 ms/);
  });

  it('clears only its own namespace of a Map shared by several stores', async () => {
    const shared = new Map();
    const a = new KeyvBackend(new Keyv({ store: shared }), 'a', 'app/a/0_0;');
    const b = new KeyvBackend(new Keyv({ store: shared }), 'b', 'app/b/0_0;');
    await a.write([[Buffer.from('x'), Buffer.from('1')]], { offset: 0, clean: true });
    await b.write([[Buffer.from('y'), Buffer.from('2')]], { offset: 0, clean: true });
    await a.clear();
    expect((await a.load()).entries).to.deep.equal([]);
    expect((await b.load()).entries.map(([k]) => k.toString())).to.deep.equal(['y']);
  });
});
