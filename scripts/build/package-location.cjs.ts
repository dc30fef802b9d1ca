import { pathToFileURL } from 'node:url';

// The CommonJS twin of lib/package-location.ts, put in its place by scripts/build.mjs for the
// CommonJS build: the same exports, from __filename since CommonJS has no import.meta.

/** `require` as seen from this library's folder. */
export const libraryRequire: NodeJS.Require = require;

/** The URL of a module of this library, by its path from the library's root (`runtime/x.js`). */
export function libraryModuleUrl(pathFromRoot: string): string {
  return new URL(pathFromRoot, ROOT).href;
}

/** True when the library runs from its TypeScript sources (under tsx), not from dist/. */
export const runningFromSources: boolean = __filename.endsWith('.ts');

/** The extension this library's modules have where it runs: `.ts` from sources, `.js` compiled. */
export const moduleExtension: '.ts' | '.js' = runningFromSources ? '.ts' : '.js';

const ROOT = new URL('./', pathToFileURL(__filename));
