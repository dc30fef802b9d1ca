import { expect } from 'chai';
import { InMemoryKeyValueStore, Serdes } from '../../lib/index.ts';
import { ChangeTrackingKeyValueStore } from '../../lib/state/change-tracking-key-value-store.ts';
import { encodedKeyAccess } from '../../lib/state/internal/encoded-key-access.ts';
import { TimeWindowedSerde } from '../../lib/windows/time-windowed-serde.ts';
import type { Windowed } from '../../lib/index.ts';

const windowed = (key: string, start: number): Windowed<string> => ({ key, window: { start, end: start + 1000 } });

function openStore(): InMemoryKeyValueStore<Windowed<string>, number> {
  const store = new InMemoryKeyValueStore<Windowed<string>, number>('windows', new TimeWindowedSerde(Serdes.String(), 1000), Serdes.Int());
  store.init({ applicationId: 'app', taskId: '0_0' });
  return store;
}

describe('encoded key access', () => {
  it('should read and write the same rows as the plain methods', () => {
    const store = openStore();
    const access = encodedKeyAccess<Windowed<string>, number>(store)!;
    const id = access.encodeKey(windowed('a', 0));
    access.putEncodedWithTimestamp(windowed('a', 0), id, 3, 42);

    expect(store.get(windowed('a', 0))).to.equal(3);
    expect(store.timestampOf(windowed('a', 0))).to.equal(42);
    expect(access.getEncoded(access.encodeKey(windowed('a', 0)))).to.equal(3);
    expect(access.timestampOfEncoded(id)).to.equal(42);
    expect(store.all()).to.deep.equal([{ key: windowed('a', 0), value: 3 }]);
  });

  it('should delete the row and its timestamp on a null value', () => {
    const store = openStore();
    const access = encodedKeyAccess<Windowed<string>, number>(store)!;
    store.putWithTimestamp(windowed('a', 0), 3, 42);
    access.putEncodedWithTimestamp(windowed('a', 0), access.encodeKey(windowed('a', 0)), null, -1);

    expect(store.get(windowed('a', 0))).to.equal(undefined);
    expect(store.timestampOf(windowed('a', 0))).to.equal(undefined);
    expect(store.all()).to.deep.equal([]);
  });

  it('should track the keys written through it in a change-tracking store', () => {
    const store = new ChangeTrackingKeyValueStore(openStore());
    const access = encodedKeyAccess<Windowed<string>, number>(store)!;
    access.putEncodedWithTimestamp(windowed('a', 500), access.encodeKey(windowed('a', 500)), 1, 600);

    expect(store.drainChanges()).to.deep.equal([{ key: windowed('a', 500), value: 1 }]);
  });

  it('should be absent for a store without it', () => {
    expect(encodedKeyAccess({ get: () => undefined })).to.equal(undefined);
  });
});
