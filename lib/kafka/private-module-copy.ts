import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { libraryRequire } from '../package-location.ts';

/** A package loaded apart from the app's copy, with some of its internal modules replaced. */
export interface PrivateModuleCopy<T> {
  /** What the package's entry point exports, in this copy. */
  readonly exports: T;
  /** The exports of one module of this copy, by the id it is required with (`pkg/src/x.js`). */
  module(id: string): unknown;
}

/** A replacement built from the module it replaces (to fall back on it for some calls). */
export class BuiltFromOriginal {
  constructor(readonly build: (original: unknown) => unknown) {}
}

/**
 * Loads `packageName` afresh, with `replacements` (module id -> exports, or a BuiltFromOriginal)
 * put in place of some of its internal modules before anything requires them, then puts Node's
 * module cache back exactly as it was. So the replacements hold whether or not the app loaded the
 * package first, and the app's own copy (loaded before or after) is never touched. A module of the
 * copy that requires another later (kafkajs requires each request version's module when it first
 * sends one) gets it from the copy too, loaded into it if it was not yet. CommonJS only: modules
 * that require each other through the cache, as kafkajs does.
 */
export function loadPrivateCopy<T>(packageName: string, replacements: Readonly<Record<string, unknown>>): PrivateModuleCopy<T> {
  const cache = libraryRequire.cache;
  const root = dirname(libraryRequire.resolve(`${packageName}/package.json`)) + sep;
  const ours = new Map<string, NodeJS.Module>();

  // Runs `load` with the package's modules in Node's cache being ours, then puts the app's back.
  // Modules `load` adds become ours, and keep later requires within the copy.
  const inPrivateCache = <R>(load: () => R): R => {
    const ofPackage = (): string[] => Object.keys(cache).filter((path) => path.startsWith(root));
    const appCopy = new Map(ofPackage().map((path) => [path, cache[path]!]));
    try {
      for (const path of appCopy.keys()) delete cache[path];
      for (const [path, module] of ours) cache[path] = module;
      return load();
    } finally {
      for (const path of ofPackage()) {
        const module = cache[path]!;
        if (!ours.has(path)) ours.set(path, keepRequiresPrivate(module));
        delete cache[path];
      }
      for (const [path, module] of appCopy) cache[path] = module;
    }
  };
  const keepRequiresPrivate = (module: NodeJS.Module): NodeJS.Module => {
    const resolve = createRequire(module.filename).resolve;
    const requireShared = module.require.bind(module);
    module.require = ((id: string) => {
      const path = resolve(id);
      if (!path.startsWith(root)) return requireShared(id);
      return ours.get(path)?.exports ?? inPrivateCache(() => requireShared(id));
    }) as NodeJS.Require;
    return module;
  };

  const exports = inPrivateCache(() => {
    for (const [id, replacement] of Object.entries(replacements)) {
      const path = libraryRequire.resolve(id);
      const original: unknown = libraryRequire(path);
      cache[path]!.exports = replacement instanceof BuiltFromOriginal ? replacement.build(original) : replacement;
    }
    return libraryRequire(packageName) as T;
  });
  return {
    exports,
    module(id) {
      const loaded = ours.get(libraryRequire.resolve(id));
      if (!loaded) throw new Error(`${id} is not part of the private copy of ${packageName}`);
      return loaded.exports;
    },
  };
}
