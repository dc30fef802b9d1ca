/**
 * In-process benchmark (not a test): our engine through runTopology against hand-written RxJS
 * doing the same work, and the TopologyTestDriver (with serdes) on the shop topology.
 *
 *   npx tsx bench/inprocess/run.ts
 *
 * Each case runs once to warm up, then 3 times; the median is printed.
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
const RUNS = 3;

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

/** Records per second: one warm-up run, then the median of RUNS timed runs. */
function measure(name: string, records: number, expectedOut: number, run: () => number): number {
  const check = (out: number): void => {
    if (out !== expectedOut) throw new Error(`${name}: expected ${expectedOut} records out, got ${out}`);
  };
  check(run());
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    check(run());
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(records / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(RUNS / 2)]!;
  console.log(`${name.padEnd(44)} ${format(median).padStart(12)} records/s`);
  return median;
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

const kept = input.filter((r) => keep(r.value)).length;
console.log(`Node ${process.version}; ${RECORDS.toLocaleString('en-US')} records, median of ${RUNS} runs after a warm-up\n`);
const ourStateless = measure('runTopology filter/mapValues/mapValues', RECORDS, kept, oursStateless);
const handStateless = measure('hand-written RxJS filter/map/map', RECORDS, kept, rxjsStateless);
const ourCount = measure('runTopology groupByKey().count()', RECORDS, RECORDS, oursCount);
const handCount = measure('hand-written RxJS Map-based running count', RECORDS, RECORDS, rxjsCount);
const windowedOut = rxjsWindowedCount();
const ourWindowed = measure('runTopology windowedBy(1 s / 500 ms).count()', RECORDS, windowedOut, oursWindowedCount);
const handWindowed = measure('hand-written RxJS windowed running count', RECORDS, windowedOut, rxjsWindowedCount);
const shop = measure(`TopologyTestDriver shop (${SHOP_ORDERS.toLocaleString('en-US')} orders, serdes)`, SHOP_ORDERS, SHOP_ORDERS, driverShop);

const statelessRatio = ourStateless / handStateless;
const countRatio = ourCount / handCount;
console.log('');
console.log(`stateless ours/hand-written: ${statelessRatio.toFixed(2)}x (target >= 0.5x) ${statelessRatio >= 0.5 ? 'ok' : 'BELOW TARGET'}`);
console.log(`count     ours/hand-written: ${countRatio.toFixed(2)}x (target >= 0.3x) ${countRatio >= 0.3 ? 'ok' : 'BELOW TARGET'}`);
console.log(`windowed  ours/hand-written: ${(ourWindowed / handWindowed).toFixed(2)}x`);
console.log(`driver shop: ${format(shop)} records/s`);
