import { createRequire } from 'node:module';

// Where this library's own modules are, for the two things that need it: resolving its peers
// (kafkajs) from the library rather than from the app, and starting worker threads from a module
// file. ESM has only import.meta for that; the CommonJS build (scripts/build/) compiles a twin of
// this file that uses __filename instead, since import.meta does not exist there.

/** `require` as seen from this library's folder. */
export const libraryRequire: NodeJS.Require = createRequire(import.meta.url);

/** The URL of a module of this library, by its path from the library's root (`runtime/x.js`). */
export function libraryModuleUrl(pathFromRoot: string): string {
  return new URL(pathFromRoot, ROOT).href;
}

/** True when the library runs from its TypeScript sources (under tsx), not from dist/. */
export const runningFromSources: boolean = import.meta.url.endsWith('.ts');

/** The extension this library's modules have where it runs: `.ts` from sources, `.js` compiled. */
export const moduleExtension: '.ts' | '.js' = runningFromSources ? '.ts' : '.js';

const ROOT = new URL('./', import.meta.url);
