/**
 * `npm run bench`: every system on the same local broker, one after another, on the same
 * pre-loaded input topic; see bench/README.md for what is measured and how.
 *
 *   npm run bench                                   1,000,000 records of ~100 bytes, 3 runs each
 *   npm run bench -- --records 200000 --runs 3      smaller
 *   npm run bench -- --value-bytes 1024             1 KB values
 *   npm run bench -- --systems rx-kafka-streams,kafkajs --workloads passthrough,count,consume-produce
 *   npm run bench -- --profile                      then a --cpu-prof run of our slowest workload
 *   npm run bench -- --profile-only count:exactly_once_v2
 *   npm run bench -- --systems kafkats-flow --merge   re-run some cases, keep the rest of results/latest.json
 *   npm run bench -- --threads 1 --java-threads 1,2   our stream threads (default 1,2: a case each), Java's (default 1)
 *   --commit-interval-ms 1000 (at-least-once), --eos-commit-interval-ms 100, --runs 3, --warmup-runs 1
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { TimeoutError, measure, type Command, type RunResult } from './harness/measure.ts';
import { preload } from './harness/preload.ts';
import { hotSpots } from './harness/profile.ts';
import { SYSTEM_LABELS, commonRecords, markdownTable, summarize, svgChart, withRatios, type CaseResult, type System } from './harness/report.ts';
import type { Guarantee, Workload, WorkerSettings } from './workers/protocol.ts';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const RESULTS = join(BENCH, 'results');
const JAVA = join(BENCH, 'java');
const COMPETITORS = join(BENCH, 'competitors');
const KAFKA_VERSION = '4.1.2';

const { values: flags } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    'value-bytes': { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    'warmup-runs': { type: 'string', default: '1' },
    'commit-interval-ms': { type: 'string', default: '1000' },
    'eos-commit-interval-ms': { type: 'string', default: '100' },
    workloads: { type: 'string' },
    systems: { type: 'string' },
    'java-heap': { type: 'string', default: '1g' },
    profile: { type: 'boolean', default: false },
    'keep-going': { type: 'boolean', default: false },
    merge: { type: 'boolean', default: false },
    'profile-only': { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    'java-threads': { type: 'string', default: '1' },
  },
});
const records = Number(flags.records);
// Stream threads of the Streams systems, each count a case of its own (a `threads` column):
// ours (`--threads 1,2`: on worker threads past one) and Java's num.stream.threads (`--java-threads`).
const threadCounts = (list: string): number[] => list.split(',').map(Number);
const ourThreads = threadCounts(flags.threads);
const javaThreads = threadCounts(flags['java-threads']);
const resultName = 'latest';
const valueBytes = Number(flags['value-bytes']);
const runs = Number(flags.runs);
const warmupRuns = Number(flags['warmup-runs']);
const commitIntervalMs = Number(flags['commit-interval-ms']);
// Kafka Streams' own defaults differ by guarantee (30 s / 100 ms); every system gets the same one.
const eosCommitIntervalMs = Number(flags['eos-commit-interval-ms']);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const log = (line: string): void => console.log(line);

interface Case {
  readonly workload: Workload;
  readonly system: System;
  readonly guarantee: Guarantee;
  readonly threads: number;
  /** Set when the system has no such workload: reported, never run. */
  readonly unsupported?: string;
}

const ALOS: Guarantee = 'at_least_once';
const EOS: Guarantee = 'exactly_once_v2';
const STREAMS_SYSTEMS = ['rx-kafka-streams', 'kafka-streams', 'kafkats-flow'] as const;
const threadsOf = (system: System): number[] => (system === 'rx-kafka-streams' ? ourThreads : system === 'kafka-streams' ? javaThreads : [1]);
const streamsCases = (workload: Workload, guarantees: Guarantee[]): Case[] =>
  STREAMS_SYSTEMS.flatMap((system) => threadsOf(system).flatMap((threads) => guarantees.map((guarantee) => ({ workload, system, guarantee, threads }))));
const ALL_CASES: Case[] = [
  { workload: 'consume', system: 'kafkajs', guarantee: ALOS, threads: 1 },
  { workload: 'consume-produce', system: 'kafkajs', guarantee: ALOS, threads: 1 },
  ...(['passthrough', 'count'] as const).flatMap((workload) => streamsCases(workload, [ALOS, EOS])),
  ...(['windowed-count', 'stream-table-join'] as const).flatMap((workload) => streamsCases(workload, [ALOS])),
];

/**
 * Outputs per input record for a system without a record cache: @kafkats/flow counts with one
 * output per record, and a record falls in two 1 s windows advancing by 500 ms.
 */
function outputsPerInput(c: Case): number | undefined {
  if (c.system !== 'kafkats-flow') return undefined;
  return { count: 1, 'windowed-count': 2 }[c.workload as string];
}

function selectedCases(): Case[] {
  const workloads = flags.workloads?.split(',');
  const systems = flags.systems?.split(',');
  return ALL_CASES.filter((c) => (!workloads || workloads.includes(c.workload)) && (!systems || systems.includes(c.system)));
}

// ---- the systems' set-up --------------------------------------------------------------------

function brokerRunning(): boolean {
  if (process.env.KAFKA_BROKERS) return true;
  return spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'status'], { stdio: 'ignore' }).status === 0;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Builds bench/java with `mvn -q package` unless target/ is newer than the sources. */
function buildJava(): string | undefined {
  const built = join(JAVA, 'target/classes/bench/StreamsBench.class');
  const fresh =
    existsSync(built) &&
    existsSync(join(JAVA, 'target/lib')) &&
    statSync(built).mtimeMs >= Math.max(newestMtime(join(JAVA, 'src')), newestMtime(join(JAVA, 'pom.xml')));
  if (fresh) return undefined;
  log('building bench/java (mvn -q package) ...');
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(JAVA, 'pom.xml'), 'package'], { encoding: 'utf8' });
  if (mvn.status !== 0) return `not available: mvn package failed (${(mvn.stdout + mvn.stderr).trim().split('\n').slice(-3).join(' ')})`;
  return undefined;
}

/** Installs bench/competitors (npm install) unless @kafkats/flow is there already. */
function installCompetitors(): string | undefined {
  if (existsSync(join(COMPETITORS, 'node_modules/@kafkats/flow/package.json'))) return undefined;
  log('installing bench/competitors (npm install) ...');
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', COMPETITORS], { encoding: 'utf8' });
  if (npm.status !== 0) return `not available: npm install of @kafkats/flow failed (${npm.stderr.trim().split('\n').slice(-2).join(' ')})`;
  return undefined;
}

function commandFor(system: System, settings: WorkerSettings, nodeFlags: string[] = []): Command {
  if (system === 'kafka-streams') {
    const args = Object.entries({ ...settings, brokers: settings.brokers.join(',') }).map(([key, value]) => `${key}=${value}`);
    return {
      file: 'java',
      args: [`-Xms256m`, `-Xmx${flags['java-heap']}`, '-cp', `${join(JAVA, 'target/classes')}:${join(JAVA, 'target/lib/*')}`, 'bench.StreamsBench', ...args],
    };
  }
  const worker = {
    kafkajs: join(BENCH, 'workers/kafkajs.ts'),
    'rx-kafka-streams': join(BENCH, 'workers/rx-kafka-streams.ts'),
    'kafkats-flow': join(COMPETITORS, 'kafkats-flow.mjs'),
  }[system];
  return { file: process.execPath, args: [...nodeFlags, '--import', 'tsx', worker, JSON.stringify(settings)] };
}

/** The commit measured, `+changes` when the code differed from it (the results themselves aside). */
function commit(): string {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const changed = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'lib', 'bench', ':!bench/results'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  return changed ? `${head}+changes` : head;
}

// Taken before the first run: the code measured is the code there then.
const measuredCommit = commit();

function machine(): Record<string, string | number> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    java: (java.stderr || java.stdout).split('\n')[0] ?? 'unknown',
    kafka: `${KAFKA_VERSION} (single KRaft broker on ${brokers.join(',')})`,
  };
}

// ---- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedBroker = !brokerRunning();
  if (startedBroker) execFileSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start'], { stdio: 'inherit' });
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cases = flags['profile-only'] ? [] : selectedCases();
    const unavailable = new Map<System, string | undefined>();
    if (cases.some((c) => c.system === 'kafka-streams' && !c.unsupported)) unavailable.set('kafka-streams', buildJava());
    if (cases.some((c) => c.system === 'kafkats-flow')) unavailable.set('kafkats-flow', installCompetitors());
    const topics = await preload(kafka, admin, records, valueBytes, log);
    if (topics.fillMs) log(`filled in ${(topics.fillMs / 1000).toFixed(1)} s`);

    const settingsFor = (c: Case, tag: string): WorkerSettings => {
      const appId = `bench-${c.workload}-${c.system}-${c.guarantee === EOS ? 'eos' : 'alos'}-${tag}`;
      return {
        workload: c.workload,
        guarantee: c.guarantee,
        brokers,
        appId,
        input: topics.input,
        output: `${appId}-output`,
        table: topics.table,
        commitIntervalMs: c.guarantee === EOS ? eosCommitIntervalMs : commitIntervalMs,
        records,
        threads: c.threads,
      };
    };

    const results: CaseResult[] = [];
    // A system too slow to finish one case in time is not run further under that guarantee (unless --keep-going).
    const timedOut = new Map<string, string>();
    for (const c of cases) {
      const name = `${c.workload} / ${SYSTEM_LABELS[c.system]} / ${c.guarantee}${c.threads > 1 ? ` / ${c.threads} threads` : ''}`;
      const skip = c.unsupported ?? unavailable.get(c.system) ?? timedOut.get(`${c.system}/${c.guarantee}/${c.threads}`);
      if (skip) {
        log(`${name}: ${skip}`);
        results.push(summarize({ ...c, status: skip, runs: [], warmupRuns: [] }));
        continue;
      }
      const done: RunResult[] = [];
      const warmups: RunResult[] = [];
      let status = 'ok';
      for (let i = 0; i < warmupRuns + runs; i++) {
        const warmup = i < warmupRuns;
        try {
          const settings = settingsFor(c, randomUUID().slice(0, 8));
          const run = await measure(admin, commandFor(c.system, settings), settings, log, outputsPerInput(c));
          (warmup ? warmups : done).push(run);
          log(
            `${name} ${warmup ? 'warm-up' : `run ${i - warmupRuns + 1}`}: ${run.recordsPerSec.toLocaleString('en')} records/s (${run.ms} ms), peak RSS ${run.peakRssMb} MB`,
          );
        } catch (error) {
          status = `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
          log(`${name}: ${status}`);
          if (error instanceof TimeoutError && !flags['keep-going'])
            timedOut.set(`${c.system}/${c.guarantee}/${c.threads}`, `not run: ${c.workload} ${c.guarantee} did not finish in time`);
          break;
        }
      }
      results.push(summarize({ ...c, status, runs: done, warmupRuns: warmups }));
    }

    if (cases.length > 0) {
      const final = withRatios(flags.merge ? mergeWithLatest(results) : results);
      const info = machine();
      // Rows merged from another invocation may have another record count; the records column says.
      const headlineRecords = commonRecords(final, records);
      const settings = {
        records: headlineRecords,
        threads: { 'rx-kafka-streams': ourThreads, 'kafka-streams': javaThreads },
        valueBytes,
        partitions: 2,
        keySpace: 10_000,
        runs,
        warmupRuns,
        commitIntervalMs,
        eosCommitIntervalMs,
        acks: 'all',
        javaHeap: flags['java-heap'],
      };
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(
        join(RESULTS, `${resultName}.json`),
        `${JSON.stringify({ date: new Date().toISOString(), commit: measuredCommit, machine: info, settings, results: final }, null, 2)}\n`,
      );
      const table = markdownTable(final);
      const about = `${headlineRecords.toLocaleString('en')} records of ${valueBytes} bytes (other counts in the records column), 2 partitions, median of ${runs} runs (+${warmupRuns} discarded; see the runs column), commit interval ${commitIntervalMs} ms (EOS ${eosCommitIntervalMs} ms), acks all`;
      const where = `${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, Node ${info.node}, ${info.java}, Kafka ${KAFKA_VERSION}`;
      writeFileSync(
        join(RESULTS, `${resultName}.md`),
        `# Benchmark results\n\n${about}.\n\nMeasured on ${where}, ${new Date().toISOString().slice(0, 10)}, commit ${measuredCommit}.\n\n${table}\n\n![records/s](${resultName}.svg)\n`,
      );
      writeFileSync(join(RESULTS, `${resultName}.svg`), svgChart(final, 'records/s, median (whiskers: min..max)', `${about}; ${where}`));
      log(`\n${table}\n\nwritten: bench/results/${resultName}.json, ${resultName}.md, ${resultName}.svg`);
      if (flags.profile) {
        const ours = final.filter((r) => r.system === 'rx-kafka-streams' && r.median !== undefined).sort((a, b) => a.median! - b.median!)[0];
        if (ours) await profile(admin, ours.workload, ours.guarantee, settingsFor);
      }
    }
    if (flags['profile-only']) {
      const [workload, guarantee = ALOS] = flags['profile-only'].split(':') as [Workload, Guarantee?];
      await profile(admin, workload, guarantee, settingsFor);
    }
  } finally {
    await admin.disconnect();
    if (startedBroker) execFileSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
}

/** --merge: the cases run now replace theirs in results/latest.json, the others stay (same order). */
function mergeWithLatest(results: CaseResult[]): CaseResult[] {
  const path = join(RESULTS, `${resultName}.json`);
  if (!existsSync(path)) return results;
  const key = (r: CaseResult): string => `${r.workload}/${r.system}/${r.guarantee}/${r.threads}`;
  // Results from before the threads column were all of one thread.
  const previous = (JSON.parse(readFileSync(path, 'utf8')) as { results: CaseResult[] }).results.map((r) => ({ ...r, threads: r.threads ?? 1 }));
  const now = new Map(results.map((r) => [key(r), r]));
  const merged = previous.map((r) => now.get(key(r)) ?? r);
  return [...merged, ...results.filter((r) => !previous.some((p) => key(p) === key(r)))];
}

/** One more run of an rx-kafka-streams workload under `node --cpu-prof`; writes results/profile.md. */
async function profile(
  admin: ReturnType<Kafka['admin']>,
  workload: Workload,
  guarantee: Guarantee,
  settingsFor: (c: Case, tag: string) => WorkerSettings,
): Promise<void> {
  const dir = join(RESULTS, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const c: Case = { workload, system: 'rx-kafka-streams', guarantee, threads: 1 };
  const settings = settingsFor(c, `prof-${randomUUID().slice(0, 8)}`);
  log(`\nprofiling ${workload} / ${guarantee} (node --cpu-prof) ...`);
  const run = await measure(admin, commandFor('rx-kafka-streams', settings, ['--cpu-prof', `--cpu-prof-dir=${dir}`]), settings, log);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node --cpu-prof wrote no profile into ${dir}`);
  const spots = hotSpots(join(dir, file));
  const rows = (list: typeof spots.functions) => list.map((s) => `| ${s.percent}% | ${s.selfMs} ms | \`${s.name}\` | ${s.where} |`).join('\n');
  const md = [
    `# CPU profile: rx-kafka-streams ${workload} (${guarantee})`,
    '',
    `${records.toLocaleString('en')} records; this run: ${run.recordsPerSec.toLocaleString('en')} records/s (profiling slows it down).`,
    `Whole process, start-up and shut-down included; ${spots.totalMs} ms of samples. Profile: bench/results/profile/${file} (git-ignored; open it in Chrome DevTools).`,
    '',
    '## Self time by function',
    '',
    '| self | ms | function | where |',
    '|---:|---:|---|---|',
    rows(spots.functions),
    '',
    '## Self time by file',
    '',
    '| self | ms | file | |',
    '|---:|---:|---|---|',
    rows(spots.files).replace(/\| ([^|]+) \| \1 \|$/gm, '| $1 | |'),
    '',
  ].join('\n');
  writeFileSync(join(RESULTS, 'profile.md'), md);
  log(md);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
