// The consumer smoke test (`npm run test:package`, run by .ci/run after `npm test`): packs the
// package as npm would publish it, installs the tarball into fresh projects, and runs a tiny
// topology through the test driver from plain Node ESM, CommonJS, a strict NodeNext tsc build run
// by plain node, and a marble test in a project on the lowest rxjs we claim (one copy of rxjs, so
// record timestamps are the TestScheduler's virtual frames). Plain Node: no TypeScript loader.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const programs = join(root, 'scripts', 'package-check');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lowestRxjs = manifest.peerDependencies.rxjs.replace(/^\^/, '');
const work = mkdtempSync(join(tmpdir(), 'rxks-package-'));
const started = Date.now();
let failed = 0;
let passed = 0;

async function run(command, args, cwd) {
  try {
    const { stdout } = await exec(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    return stdout.trim();
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}\n${error.stderr ?? error.message}`);
  }
}

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`  ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(`  FAIL ${name}\n${String(error.message ?? error).replace(/^/gm, '       ')}`);
  }
}

function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  include: ['*.ts'],
};

function project(name, files) {
  const dir = join(work, name);
  cpSync(programs, dir, { recursive: true, filter: (source) => source === programs || files.some((file) => source.endsWith(file)) });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(STRICT_TSCONFIG, null, 2));
  return dir;
}

function rxjsCopies(dir) {
  const found = [];
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const child = join(path, entry.name);
      if (entry.name === 'rxjs' && path.endsWith('node_modules') && existsSync(join(child, 'package.json'))) found.push(child);
      walk(child);
    }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

const WORD_COUNTS = [
  { key: 'a', value: 1 },
  { key: 'b', value: 1 },
  { key: 'a', value: 2 },
];

try {
  console.log(`Packing ${manifest.name}@${manifest.version} (builds dist/) into ${work}`);
  // Built here, then packed without prepack, whose output would mix with the JSON of npm pack.
  await run('npm', ['run', '--silent', 'build'], root);
  const packed = JSON.parse(await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
  const tarball = join(work, packed[0].filename);

  await check('the tarball holds dist/, README, LICENSE and CHANGELOG, and no spec/, bench/, scripts/ or .ci/', async () => {
    const entries = (await run('tar', ['tzf', tarball], work)).split('\n');
    const stray = entries.filter((entry) => /^package\/(spec|bench|scripts|\.ci|lib|samples)\//.test(entry));
    if (stray.length > 0) throw new Error(`the tarball ships ${stray.length} files it should not, e.g. ${stray.slice(0, 5).join(', ')}`);
    for (const needed of [
      'dist/esm/index.js',
      'dist/cjs/index.js',
      'dist/esm/testing/index.d.ts',
      'dist/cjs/testing/index.d.ts',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'package.json',
    ]) {
      if (!entries.includes(`package/${needed}`)) throw new Error(`the tarball has no ${needed}`);
    }
  });

  const current = project('current', ['word-count.mjs', 'word-count.cjs', 'word-count.ts']);
  const lowest = project('lowest-rxjs', ['marbles.ts']);
  console.log(
    `Packed in ${Math.round((Date.now() - started) / 1000)} s. Installing the tarball into two projects (rxjs from its peer range, and rxjs@${lowestRxjs})`,
  );
  await Promise.all([
    run('npm', ['install', '--prefer-offline', '--ignore-scripts', tarball, '@types/node@20'], current),
    run('npm', ['install', '--prefer-offline', '--ignore-scripts', tarball, `rxjs@${lowestRxjs}`, '@types/node@20'], lowest),
  ]);

  // Both strict builds at once (each type-checks the whole package against its rxjs); the checks
  // below read their outcome.
  const builds = Object.fromEntries(
    await Promise.all(
      [current, lowest].map(async (dir) => [
        dir,
        await run(process.execPath, [tsc, '-p', '.'], dir).then(
          () => undefined,
          (error) => error,
        ),
      ]),
    ),
  );
  const built = (dir) => {
    if (builds[dir]) throw builds[dir];
  };
  console.log(`Installed and compiled (${Math.round((Date.now() - started) / 1000)} s)`);
  await check('every subpath in exports resolves to a file of the installed package', async () => {
    const installed = join(current, 'node_modules', manifest.name);
    const targets = (conditions) => (typeof conditions === 'string' ? [conditions] : Object.values(conditions).flatMap(targets));
    const exported = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).exports;
    const missing = targets(exported).filter((target) => !existsSync(join(installed, target)));
    if (missing.length > 0) throw new Error(`exports point at missing files: ${missing.join(', ')}`);
  });

  await check('plain Node ESM: import { StreamsBuilder } from the package runs a topology on the test driver', async () => {
    expectEqual(JSON.parse(await run(process.execPath, ['word-count.mjs'], current)), WORD_COUNTS, 'word counts');
  });

  await check('CommonJS: require() of the package runs the same topology', async () => {
    expectEqual(JSON.parse(await run(process.execPath, ['word-count.cjs'], current)), WORD_COUNTS, 'word counts');
  });

  await check('strict tsc (NodeNext, exactOptionalPropertyTypes, no skipLibCheck) builds it, and plain node runs the build', async () => {
    built(current);
    expectEqual(JSON.parse(await run(process.execPath, ['out/word-count.js'], current)), WORD_COUNTS, 'word counts');
  });

  await check(`rxjs@${lowestRxjs}: one copy of rxjs, the app's, and a marble test sees virtual timestamps`, async () => {
    const copies = rxjsCopies(lowest);
    if (copies.length !== 1) throw new Error(`expected one copy of rxjs, found ${copies.length}: ${copies.join(', ')}`);
    const version = JSON.parse(readFileSync(join(copies[0], 'package.json'), 'utf8')).version;
    expectEqual(version, lowestRxjs, 'the installed rxjs');
    built(lowest);
    expectEqual(await run(process.execPath, ['out/marbles.js'], lowest), 'virtual', 'the marble test');
  });
} catch (error) {
  failed++;
  console.log(`  FAIL ${error.message}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
process.exitCode = failed > 0 ? 1 : 0;
