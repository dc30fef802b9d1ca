import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './case-result.ts';
import type { ConformanceCase } from './inputs.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JAVA_MODULE = join(ROOT, 'conformance/java');
const CACHE = join(ROOT, '.cache/conformance-java');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

/** The build's cache key: a hash of the pom and every source file, names and contents. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [join(JAVA_MODULE, 'pom.xml'), ...filesUnder(join(JAVA_MODULE, 'src'))]) {
    hash.update(relative(JAVA_MODULE, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds conformance/java with Maven unless a build of the same sources is cached, and returns
 * its classpath. Maven builds into a directory of its own and it is renamed into place when
 * done, so an interrupted build is never taken for a finished one.
 */
export function buildJavaModule(): string {
  const dir = join(CACHE, sourceHash());
  if (!existsSync(dir)) {
    mkdirSync(CACHE, { recursive: true });
    const building = `${dir}.building-${process.pid}`;
    const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(JAVA_MODULE, 'pom.xml'), 'package', `-Dconformance.buildDir=${building}`], { encoding: 'utf8' });
    if (mvn.error !== undefined || mvn.status !== 0) {
      rmSync(building, { recursive: true, force: true });
      const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(`Building conformance/java with Maven failed (the suite needs Java 17 and mvn on the PATH): ${mvn.error?.message ?? output}`);
    }
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another run built the same sources meanwhile: keep its build.
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(dir)) throw error;
    }
  }
  return `${join(dir, 'classes')}:${join(dir, 'lib', '*')}`;
}

const hex = (bytes: Buffer | null): string => (bytes === null ? '~' : bytes.toString('hex'));

/** The cases in conformance.Main's input format (see its doc comment). */
function encode(cases: readonly ConformanceCase[]): string {
  const lines: string[] = [];
  for (const { topology, seed, inputs } of cases) {
    lines.push(['case', topology.name, seed, topology.outputs.join(',')].join('\t'));
    for (const input of inputs) lines.push(['in', input.topic, hex(input.key), hex(input.value), input.timestamp].join('\t'));
    lines.push('end');
  }
  return `${lines.join('\n')}\n`;
}

/** Runs every case through Kafka Streams' TopologyTestDriver in one JVM. */
export async function runKafka(cases: readonly ConformanceCase[]): Promise<CaseResult[]> {
  const classpath = buildJavaModule();
  // RocksDB's fsyncs dominate a driver's time on disk; tmpfs, where there is one, takes them away.
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'conformance-'));
  try {
    const input = join(work, 'cases.tsv');
    const output = join(work, 'results.json');
    writeFileSync(input, encode(cases));
    await new Promise<void>((resolve, reject) => {
      execFile(
        'java',
        ['-cp', classpath, 'conformance.Main', input, output, join(work, 'state')],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error) reject(new Error(`conformance.Main failed: ${error.message}\n${stderr.trim().split('\n').slice(-15).join('\n')}`));
          else resolve();
        },
      );
    });
    return (JSON.parse(readFileSync(output, 'utf8')) as { cases: CaseResult[] }).cases;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
