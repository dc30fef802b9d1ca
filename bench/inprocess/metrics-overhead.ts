/**
 * What metrics at INFO cost per record, in-process (not a test): the same work through this tree
 * and through another tree of the library without metrics (a worktree of the commit before
 * them), both loaded in one process and run in alternation, so that load from other processes
 * hits both alike. CPU time of each run is measured; the median of the per-pair ratios is printed.
 *
 *   git worktree add --detach /tmp/before-metrics 1ea06c7 && ln -s "$PWD/node_modules" /tmp/before-metrics/
 *   npx tsx bench/inprocess/metrics-overhead.ts /tmp/before-metrics [tree-with-metrics] [pairs]
 *
 * The tree with metrics defaults to this one; pass a clean worktree of a commit to leave out
 * whatever else this one has changed.
 *
 * Also compares this tree at DEBUG with INFO (the driver's store and task sensors).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { from, type Observable } from 'rxjs';

const baseline = process.argv[2];
if (!baseline) throw new Error('Pass the root of a library tree without metrics, e.g. a worktree of the commit before them');
const withMetrics = process.argv[3] ?? resolve(import.meta.dirname, '../..');
const PAIRS = Number(process.argv[4] ?? 20);
const RECORDS = 300_000;
const SHOP_ORDERS = 40_000;

interface Library {
  readonly index: typeof import('../../lib/index.ts');
  readonly testing: typeof import('../../lib/testing/index.ts');
  readonly shop: typeof import('../../samples/shop/topology.ts');
  readonly orders: typeof import('../../samples/shop/orders.ts');
}

async function load(root: string): Promise<Library> {
  const at = (path: string) => pathToFileURL(resolve(root, path)).href;
  return {
    index: await import(at('lib/index.ts')),
    testing: await import(at('lib/testing/index.ts')),
    shop: await import(at('samples/shop/topology.ts')),
    orders: await import(at('samples/shop/orders.ts')),
  };
}

const input = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 1000}`, value: i, timestamp: i }));

function drain(output$: Observable<unknown>): number {
  let count = 0;
  output$.subscribe({ next: () => count++ });
  return count;
}

/** A case run on one library: returns records out (checked equal across libraries). */
type Case = (lib: Library, level: 'INFO' | 'DEBUG') => number;

const cases: Record<string, Case> = {
  'runTopology filter/mapValues/mapValues': ({ index, testing }) => {
    const builder = new index.StreamsBuilder();
    builder
      .stream<string, number>('in')
      .filter((_k, v) => v % 3 !== 0)
      .mapValues((v) => v * 2)
      .mapValues((v) => v + 1)
      .to('out');
    return drain(testing.runTopology(builder.build(), { in: from(input) }).records('out'));
  },
  'runTopology groupByKey().count()': ({ index, testing }) => {
    const builder = new index.StreamsBuilder();
    builder.stream<string, number>('in').groupByKey().count().toStream().to('out');
    return drain(testing.runTopology(builder.build(), { in: from(input) }).records('out'));
  },
  'TopologyTestDriver shop (serdes)': ({ index, testing, shop, orders }, level) => {
    const driver = new testing.TopologyTestDriver(
      shop.buildShopTopology(),
      { applicationId: 'shop', ...(level === 'DEBUG' ? { metricsRecordingLevel: 'DEBUG' } : {}) } as never,
      0,
    );
    const records = orders.generateOrders(SHOP_ORDERS, 1).map((order) => ({ key: order.order_id, value: order }));
    driver.createInputTopic('orders', index.Serdes.String(), index.Serdes.Json<unknown>()).pipeKeyValueList(records);
    const written = driver.createOutputTopic('item-quantity', index.Serdes.String(), index.Serdes.Int()).getQueueSize();
    driver.close();
    return written;
  },
};

function cpuMs(run: () => number): { ms: number; out: number } {
  const start = process.cpuUsage();
  const out = run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, out };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const [without, current] = await Promise.all([load(baseline), load(withMetrics)]);
console.log(`Node ${process.version}; ${PAIRS} alternating pairs per case, CPU time; ratio > 1 means slower than the first\n`);
for (const [name, run] of Object.entries(cases)) {
  for (const [label, a, b] of [
    ['INFO vs no metrics', () => run(without, 'INFO'), () => run(current, 'INFO')],
    ['DEBUG vs INFO', () => run(current, 'INFO'), () => run(current, 'DEBUG')],
  ] as const) {
    if (label === 'DEBUG vs INFO' && !name.startsWith('TopologyTestDriver')) continue;
    a();
    b();
    const ratios: number[] = [];
    const first: number[] = [];
    const second: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      // Which goes first alternates (ABBA...): the second of a pair pays for the first's garbage.
      let x: { ms: number; out: number };
      let y: { ms: number; out: number };
      if (i % 2 === 0) {
        x = cpuMs(a);
        y = cpuMs(b);
      } else {
        y = cpuMs(b);
        x = cpuMs(a);
      }
      if (x.out !== y.out) throw new Error(`${name}: ${x.out} records out against ${y.out}`);
      first.push(x.ms);
      second.push(y.ms);
      ratios.push(y.ms / x.ms);
    }
    const overhead = (median(ratios) - 1) * 100;
    console.log(
      `${name.padEnd(40)} ${label.padEnd(19)} ${median(first).toFixed(0).padStart(6)} ms ${median(second).toFixed(0).padStart(6)} ms  ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %`,
    );
  }
}
