import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { typescriptBlocks, type CodeBlock } from '../support/readme-blocks.ts';

const run = promisify(execFile);
const root = process.cwd();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// Each block goes into a file of its own, in a folder of the repository (so that rxjs, kafkajs,
// keyv and the Keyv adapters resolve as in an app), with the package's names mapped onto the
// sources: what a user pastes is what is compiled, and the blocks marked so are run.
describe('README.md', function () {
  this.timeout(120_000);
  const dir = join(root, '.cache', `readme-check-${process.pid}`);
  const blocks = typescriptBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

  before(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const block of blocks) writeFileSync(join(dir, block.file), block.code);
    const config = {
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        paths: {
          'rx-kafka-streams': ['../../lib/index.ts'],
          'rx-kafka-streams/testing': ['../../lib/testing/index.ts'],
          'rx-kafka-streams/prometheus': ['../../lib/metrics/prometheus.ts'],
        },
      },
      include: ['*.ts'],
      exclude: [],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has TypeScript blocks, some of them run', () => {
    expect(blocks.length).to.be.greaterThan(5);
    expect(blocks.filter((block) => block.run).length).to.be.greaterThan(1);
  });

  it('has code blocks that compile as pasted (strict, imports included)', async () => {
    const where = (file: string): CodeBlock | undefined => blocks.find((block) => block.file === file);
    try {
      await run(process.execPath, [tsc, '-p', dir], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const output = String((error as { stdout?: string }).stdout ?? error);
      // Name the README line of each error, not the extracted file's.
      const located = output.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (text, file: string, line: string) => {
        const block = where(file);
        return block ? `README.md:${block.line + Number(line) - 1} (${file})` : text;
      });
      expect.fail(`README code blocks do not compile:\n${located}`);
    }
  });

  it('has runnable blocks that run and pass their assertions', async () => {
    for (const block of blocks.filter((b) => b.run)) {
      try {
        await run(process.execPath, ['--import', 'tsx', block.file], { cwd: dir, env: { ...process.env, TSX_TSCONFIG_PATH: join(dir, 'tsconfig.json') } });
      } catch (error) {
        expect.fail(`The README block at line ${block.line} (${block.file}) failed:\n${String((error as { stderr?: string }).stderr ?? error)}`);
      }
    }
  });
});
