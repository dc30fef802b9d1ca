/**
 * One measured run: creates the output topic (LogAppendTime), starts the system in a child
 * process, samples its RSS, and times it from the first input record consumed (the child's
 * `first` event) to the last output acknowledged (the broker's append time of the last output
 * record, found with ListOffsets by timestamp once the group committed the whole input).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Admin } from 'kafkajs';
import type { WorkerEvent, WorkerSettings } from '../workers/protocol.ts';
import { PARTITIONS } from './preload.ts';

export interface Command {
  readonly file: string;
  readonly args: string[];
}

export interface RunResult {
  readonly records: number;
  readonly ms: number;
  readonly recordsPerSec: number;
  readonly peakRssMb: number;
  /** How the end was taken: `output-append-time` or `worker-done`. */
  readonly end: 'output-append-time' | 'worker-done';
}

const START_TIMEOUT_MS = 90_000;
const POLL_MS = 100;

/**
 * `outputsPerInput`: for a system known to write exactly that many outputs per input record (no
 * record cache), the run also ends once they are all in, whether or not it committed its input
 * offsets (@kafkats/flow leaves its last offsets uncommitted while idle).
 */
export async function measure(
  admin: Admin,
  command: Command,
  settings: WorkerSettings,
  log: (line: string) => void,
  outputsPerInput?: number,
): Promise<RunResult> {
  const hasOutput = settings.workload !== 'consume';
  if (hasOutput) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: settings.output, numPartitions: PARTITIONS, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    });
  }
  const t0 = Date.now();
  const child = spawn(command.file, command.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid!;
  let peakRss = 0;
  const sampleRss = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      for (const field of ['VmHWM', 'VmRSS']) {
        const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
        peakRss = Math.max(peakRss, kb * 1024);
      }
    } catch {
      // exited between samples
    }
  };
  const sampler = setInterval(sampleRss, 50);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const events = new Map<string, WorkerEvent>();
  let failure: string | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    try {
      const event = JSON.parse(line) as WorkerEvent;
      // With stream threads on workers each reports its own first record: the earliest counts.
      if (event.event !== 'first' || !events.has('first')) events.set(event.event, event);
      if (event.event === 'error') failure = event.message;
    } catch {
      // not one of ours
    }
  });
  const check = (): void => {
    if (failure) throw new Error(`${settings.appId} failed: ${failure}`);
    if (exitCode !== undefined) throw new Error(`${settings.appId} exited early with code ${exitCode}: ${stderr.trim().slice(-1500)}`);
  };

  try {
    const timeoutMs = START_TIMEOUT_MS + settings.records; // 1 ms per record: >= 1,000 records/s or it is a hang
    const deadline = Date.now() + timeoutMs;
    const ends = await inputEnds(admin, settings.input);
    const perInput = outputsPerInput ?? (settings.workload === 'passthrough' || settings.workload === 'stream-table-join' ? 1 : undefined);
    // Under exactly-once the high watermark counts transaction markers too: no shortcut there.
    const expectedOutputs = settings.guarantee === 'at_least_once' && perInput !== undefined ? perInput * settings.records : undefined;
    for (;;) {
      check();
      if (Date.now() > deadline) {
        const progress =
          settings.workload === 'consume'
            ? ''
            : ` (output high watermarks ${(await admin.fetchTopicOffsets(settings.output)).map((p) => p.high).join('+')} of ${settings.records} input records)`;
        throw new TimeoutError(`${settings.appId} did not finish within ${timeoutMs} ms${events.has('first') ? progress : ', and consumed no record'}`);
      }
      if (
        events.has('done') ||
        (settings.workload !== 'consume' && settings.workload !== 'consume-produce' && (await committedAll(admin, settings.appId, settings.input, ends)))
      )
        break;
      // A known number of outputs per input (one for passthrough and a join of a complete table):
      // all outputs are in even if the system is slow to commit its offsets (@kafkats/flow).
      if (expectedOutputs !== undefined && events.has('first') && (await outputTotal(admin, settings.output)) >= expectedOutputs) break;
      await sleep(POLL_MS);
    }
    const first = events.get('first') as { t: number } | undefined;
    if (!first) throw new Error(`${settings.appId} finished without reporting its first record`);
    const end = hasOutput ? await lastAppendTime(admin, settings.output, first.t - 1000) : (events.get('done') as { t: number }).t;
    sampleRss();
    const ms = Math.max(1, end - first.t);
    if (process.env.BENCH_DEBUG) log(`  spawn->first ${first.t - t0} ms, first->end ${ms} ms, end->detected ${Date.now() - end} ms`);
    return {
      records: settings.records,
      ms,
      recordsPerSec: Math.round(settings.records / (ms / 1000)),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      end: hasOutput ? 'output-append-time' : 'worker-done',
    };
  } finally {
    child.stdin.end('stop\n');
    const killer = setTimeout(() => {
      log(`  ${settings.appId} did not stop within 45 s: SIGKILL`);
      child.kill('SIGKILL');
    }, 45_000);
    const stopping = Date.now();
    await exited;
    clearTimeout(killer);
    if (process.env.BENCH_DEBUG) log(`  stop took ${Date.now() - stopping} ms`);
    clearInterval(sampler);
    await deleteTopicsOf(admin, settings.appId).catch((error: unknown) => log(`  could not delete the topics of ${settings.appId}: ${String(error)}`));
  }
}

async function inputEnds(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
}

async function outputTotal(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0);
}

async function committedAll(admin: Admin, groupId: string, topic: string, ends: Map<number, number>): Promise<boolean> {
  let committed;
  try {
    [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  } catch (error) {
    // A coordinator still loading (a broker just started) answers again soon.
    if ((error as { retriable?: boolean }).retriable) return false;
    throw error;
  }
  if (!committed) return false;
  return committed.partitions.every(({ partition, offset }) => Number(offset) >= (ends.get(partition) ?? Infinity));
}

/**
 * The newest broker timestamp in `topic` (LogAppendTime: when the broker appended, i.e. acknowledged,
 * the batch; under exactly-once the transaction marker, i.e. the commit, is the last batch).
 * ListOffsets by timestamp answers the high watermark when no batch is at or after the time, so a
 * binary search over time finds the last one to the millisecond.
 */
async function lastAppendTime(admin: Admin, topic: string, notBefore: number): Promise<number> {
  const high = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, high]));
  const noneAtOrAfter = async (t: number): Promise<boolean> =>
    (await admin.fetchTopicOffsetsByTimestamp(topic, t)).every(({ partition, offset }) => offset === high.get(partition));
  let lo = notBefore; // some batch is at or after lo
  let hi = Date.now() + 1; // none is at or after hi
  if (await noneAtOrAfter(lo)) throw new Error(`No output in ${topic} after the first input record was consumed`);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await noneAtOrAfter(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

async function deleteTopicsOf(admin: Admin, appId: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${appId}-`));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
}

/** The run did not finish in time (>= 1,000 records/s plus 90 s for start-up). */
export class TimeoutError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
