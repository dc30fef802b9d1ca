import { InHeapBytesStore } from '../../lib/state/in-heap-bytes-store.ts';
import { LmdbBytesStore } from '../../lib/state/lmdb-bytes-store.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';
import { bytesStoreContract } from './bytes-store-contract.ts';

describe('BytesStore', () => {
  describe('InHeapBytesStore', () => {
    bytesStoreContract(() => new InHeapBytesStore('contract'));
  });

  describe('LmdbBytesStore', () => {
    const dirs = tempDirPerSuite('lmdb-bytes-store-contract');
    let stores = 0;
    bytesStoreContract(() => new LmdbBytesStore(dirs.path(`store-${++stores}`)));
  });
});
