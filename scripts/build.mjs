// Builds the package into dist/: dist/esm (ES modules) and dist/cjs (CommonJS), each with its
// .d.ts. Both are tsc over lib/. The CommonJS build compiles a copy of lib/ placed in a
// "type": "commonjs" folder, so tsc emits require() while keeping import() of user modules
// native, with lib/package-location.ts swapped for its twin that has no import.meta.
// Run by `npm run build` and by `prepack`; plain Node, so it needs no TypeScript loader.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dist = join(root, 'dist');
const staging = join(root, '.build', 'cjs');

function compile(project) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', project], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tsc -p ${project} failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits but not in declaration files;
// consumers' tsc (NodeNext) would reject the .ts specifiers there.
function rewriteDeclarationSpecifiers(dir) {
  for (const file of filesUnder(dir).filter((path) => path.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/(['"])(\.{1,2}\/[^'"]*?)\.ts\1/g, '$1$2.js$1');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

rmSync(dist, { recursive: true, force: true });
rmSync(staging, { recursive: true, force: true });

mkdirSync(staging, { recursive: true });
cpSync(join(root, 'lib'), join(staging, 'lib'), { recursive: true });
cpSync(join(root, 'scripts', 'build', 'package-location.cjs.ts'), join(staging, 'lib', 'package-location.ts'));
writeFileSync(join(staging, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
writeFileSync(
  join(staging, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: join(root, 'tsconfig.build.json'),
      compilerOptions: { rootDir: 'lib', outDir: join(dist, 'cjs'), verbatimModuleSyntax: false },
      include: ['lib'],
    },
    null,
    2,
  ),
);

// The two builds are independent: run them side by side.
try {
  await Promise.all([compile('tsconfig.build.json'), compile(join(staging, 'tsconfig.json'))]);
} catch (error) {
  console.error(error.message);
  process.exit(1);
} finally {
  rmSync(join(root, '.build'), { recursive: true, force: true });
}
for (const [format, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  rewriteDeclarationSpecifiers(join(dist, format));
  writeFileSync(join(dist, format, 'package.json'), JSON.stringify({ type }, null, 2) + '\n');
}
console.log('built dist/esm and dist/cjs');
