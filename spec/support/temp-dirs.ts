import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder under the OS temp directory for each spec that writes files, removed with everything in
 * it after the spec's suite: call in a `describe`, use `path()` in its tests.
 */
export function tempDirPerSuite(prefix: string): { path: (name: string) => string } {
  let root: string | undefined;
  before(() => {
    root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  after(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });
  return {
    path: (name: string): string => {
      if (root === undefined) throw new Error('tempDirPerSuite: path() is for tests and hooks, after the suite started');
      return join(root, name);
    },
  };
}
