/**
 * In-process benchmark (not a test): our engine through runTopology against hand-written RxJS
 * doing the same work, and the TopologyTestDriver (with serdes) on the shop topology.
 *
 *   npx tsx bench/inprocess/run.ts
 *
 * Each case runs once to warm up, then RUNS times; the median is printed. Ours and its
 * hand-written counterpart run in alternation, and their ratio is the median of the ratios of
 * each pair of runs, so that a change of load on the machine between the two (another process)
 * moves both sides of a pair alike rather than the ratio.
 * Targets: stateless >= 0.5x hand-written RxJS, count >= 0.3x. The windowed count (the Kafka
 * bench's windowed-count workload) is reported without a target.
 */
import { filter, from, map, Observable } from 'rxjs';
import { StreamsBuilder, Serdes, TimeWindows, type Topology } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver, type InputRecord } from '../../lib/testing/index.ts';
import { generateOrders } from '../../samples/shop/orders.ts';
import { buildShopTopology, type Order } from '../../samples/shop/topology.ts';

const RECORDS = 1_000_000;
const SHOP_ORDERS = 200_000;
const DISTINCT_KEYS = 1_000;
/** The windowed case: as many keys as the Kafka bench, 50 records a millisecond (each key ~5 times a window). */
const WINDOWED_KEYS = 10_000;
const WINDOW_SIZE_MS = 1_000;
const WINDOW_ADVANCE_MS = 500;
const RUNS = 5;

interface Row {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
}

const input: Row[] = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % DISTINCT_KEYS}`, value: i, timestamp: i }));

const windowedInput: Row[] = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % WINDOWED_KEYS}`, value: i, timestamp: Math.floor(i / 50) }));

// (a) the stateless chain: filter -> mapValues -> mapValues
const keep = (value: number): boolean => value % 3 !== 0;
const double = (value: number): number => value * 2;
const plusOne = (value: number): number => value + 1;

function statelessTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('in')
    .filter((_key, value) => keep(value))
    .mapValues(double)
    .mapValues(plusOne)
    .to('out');
  return builder.build();
}

function countTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, number>('in').groupByKey().count().toStream().to('out');
  return builder.build();
}

/** As the Kafka bench's windowed-count workload: hopping windows, counted, keyed `key@start`. */
function windowedCountTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('in', { keySerde: Serdes.String() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE_MS).advanceBy(WINDOW_ADVANCE_MS))
    .count()
    .toStream()
    .map((windowed, count) => ({ key: `${windowed.key}@${windowed.window.start}`, value: count }))
    .to('out');
  return builder.build();
}

/** Subscribes, lets the synchronous run finish, and returns how many records came out. */
function drain(output$: Observable<unknown>): number {
  let count = 0;
  let done = false;
  output$.subscribe({ next: () => count++, complete: () => (done = true) });
  if (!done) throw new Error('the run did not complete synchronously');
  return count;
}

function oursStateless(): number {
  return drain(runTopology(statelessTopology(), { in: from(input as InputRecord[]) }).records('out'));
}

function rxjsStateless(): number {
  return drain(
    from(input).pipe(
      filter((r) => keep(r.value)),
      map((r) => ({ ...r, value: double(r.value) })),
      map((r) => ({ ...r, value: plusOne(r.value) })),
    ),
  );
}

function oursCount(): number {
  return drain(runTopology(countTopology(), { in: from(input as InputRecord[]) }).records('out'));
}

function rxjsCount(): number {
  const counts = new Map<string, number>();
  return drain(
    from(input).pipe(
      map((r) => {
        const count = (counts.get(r.key) ?? 0) + 1;
        counts.set(r.key, count);
        return { key: r.key, value: count, timestamp: r.timestamp };
      }),
    ),
  );
}

function oursWindowedCount(): number {
  return drain(runTopology(windowedCountTopology(), { in: from(windowedInput as InputRecord[]) }).records('out'));
}

/**
 * The same windows by hand: a count per `key@start`, windows dropped once past retention
 * (size + grace, no grace here), one output per window a record falls in. An operator written
 * directly against Observable, since mergeMap per record would make this side the slow one.
 */
function rxjsWindowedCount(): number {
  const counts = new Map<string, number>();
  const byStart = new Map<number, string[]>();
  let streamTime = -1;
  return drain(
    new Observable<Row>((subscriber) =>
      from(windowedInput).subscribe({
        next: (r) => {
          if (r.timestamp > streamTime) streamTime = r.timestamp;
          let start = Math.floor(Math.max(0, r.timestamp - WINDOW_SIZE_MS + WINDOW_ADVANCE_MS) / WINDOW_ADVANCE_MS) * WINDOW_ADVANCE_MS;
          for (; start <= r.timestamp; start += WINDOW_ADVANCE_MS) {
            if (start + WINDOW_SIZE_MS <= streamTime) continue;
            const key = `${r.key}@${start}`;
            const old = counts.get(key);
            if (old === undefined) {
              const keys = byStart.get(start);
              if (keys) keys.push(key);
              else byStart.set(start, [key]);
            }
            const count = (old ?? 0) + 1;
            counts.set(key, count);
            subscriber.next({ key, value: count, timestamp: r.timestamp });
          }
          for (const [start, keys] of byStart) {
            if (start + WINDOW_SIZE_MS > streamTime) continue;
            for (const key of keys) counts.delete(key);
            byStart.delete(start);
          }
        },
        complete: () => subscriber.complete(),
      }),
    ),
  );
}

const orders = generateOrders(SHOP_ORDERS, 1).map((order) => ({ key: order.order_id, value: order }));

function driverShop(): number {
  const driver = new TopologyTestDriver(buildShopTopology(), { applicationId: 'shop' }, 0);
  driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeKeyValueList(orders);
  const written = driver.createOutputTopic('item-quantity', Serdes.String(), Serdes.Int()).getQueueSize();
  driver.close();
  return written;
}

/** Times one run in records per second, checking how many records came out. */
function timed(name: string, records: number, expectedOut: number, run: () => number): number {
  const start = process.hrtime.bigint();
  const out = run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (out !== expectedOut) throw new Error(`${name}: expected ${expectedOut} records out, got ${out}`);
  return records / seconds;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function report(name: string, rate: number): void {
  console.log(`${name.padEnd(44)} ${format(rate).padStart(12)} records/s`);
}

/** Records per second: one warm-up run, then the median of RUNS timed runs. */
function measure(name: string, records: number, expectedOut: number, run: () => number): number {
  timed(name, records, expectedOut, run);
  const rate = median(Array.from({ length: RUNS }, () => timed(name, records, expectedOut, run)));
  report(name, rate);
  return rate;
}

/** Ours against hand-written, a warm-up run of each, then RUNS pairs of runs: the median rates, and the median of the pairs' ratios. */
function measurePair(
  ours: { name: string; run: () => number },
  hand: { name: string; run: () => number },
  records: number,
  expectedOut: number,
): { ours: number; hand: number; ratio: number } {
  timed(ours.name, records, expectedOut, ours.run);
  timed(hand.name, records, expectedOut, hand.run);
  const ourRates: number[] = [];
  const handRates: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ourRates.push(timed(ours.name, records, expectedOut, ours.run));
    handRates.push(timed(hand.name, records, expectedOut, hand.run));
    ratios.push(ourRates[i]! / handRates[i]!);
  }
  const result = { ours: median(ourRates), hand: median(handRates), ratio: median(ratios) };
  report(ours.name, result.ours);
  report(hand.name, result.hand);
  return result;
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

const kept = input.filter((r) => keep(r.value)).length;
console.log(
  `Node ${process.version}; ${RECORDS.toLocaleString('en-US')} records, median of ${RUNS} runs after a warm-up, ratios of ${RUNS} alternating pairs\n`,
);
const stateless = measurePair(
  { name: 'runTopology filter/mapValues/mapValues', run: oursStateless },
  { name: 'hand-written RxJS filter/map/map', run: rxjsStateless },
  RECORDS,
  kept,
);
const count = measurePair(
  { name: 'runTopology groupByKey().count()', run: oursCount },
  { name: 'hand-written RxJS Map-based running count', run: rxjsCount },
  RECORDS,
  RECORDS,
);
const windowedOut = rxjsWindowedCount();
const windowed = measurePair(
  { name: 'runTopology windowedBy(1 s / 500 ms).count()', run: oursWindowedCount },
  { name: 'hand-written RxJS windowed running count', run: rxjsWindowedCount },
  RECORDS,
  windowedOut,
);
const shop = measure(`TopologyTestDriver shop (${SHOP_ORDERS.toLocaleString('en-US')} orders, serdes)`, SHOP_ORDERS, SHOP_ORDERS, driverShop);

const statelessRatio = stateless.ratio;
const countRatio = count.ratio;
console.log('');
console.log(`stateless ours/hand-written: ${statelessRatio.toFixed(2)}x (target >= 0.5x) ${statelessRatio >= 0.5 ? 'ok' : 'BELOW TARGET'}`);
console.log(`count     ours/hand-written: ${countRatio.toFixed(2)}x (target >= 0.3x) ${countRatio >= 0.3 ? 'ok' : 'BELOW TARGET'}`);
console.log(`windowed  ours/hand-written: ${windowed.ratio.toFixed(2)}x`);
console.log(`driver shop: ${format(shop)} records/s`);
