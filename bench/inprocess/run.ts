/**
 * In-process benchmark (not a test): our engine through runTopology against hand-written RxJS
 * doing the same work, and the TopologyTestDriver (with serdes) on the shop topology.
 *
 *   npx tsx bench/inprocess/run.ts
 *
 * Each case runs once to warm up, then 3 times; the median is printed.
 * Targets: stateless >= 0.5x hand-written RxJS, count >= 0.3x.
 */
import { filter, from, map, type Observable } from 'rxjs';
import { StreamsBuilder, Serdes, type Topology } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver, type InputRecord } from '../../lib/testing/index.ts';
import { generateOrders } from '../../samples/shop/orders.ts';
import { buildShopTopology, type Order } from '../../samples/shop/topology.ts';

const RECORDS = 1_000_000;
const SHOP_ORDERS = 200_000;
const DISTINCT_KEYS = 1_000;
const RUNS = 3;

interface Row {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
}

const input: Row[] = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % DISTINCT_KEYS}`, value: i, timestamp: i }));

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
const shop = measure(`TopologyTestDriver shop (${SHOP_ORDERS.toLocaleString('en-US')} orders, serdes)`, SHOP_ORDERS, SHOP_ORDERS, driverShop);

const statelessRatio = ourStateless / handStateless;
const countRatio = ourCount / handCount;
console.log('');
console.log(`stateless ours/hand-written: ${statelessRatio.toFixed(2)}x (target >= 0.5x) ${statelessRatio >= 0.5 ? 'ok' : 'BELOW TARGET'}`);
console.log(`count     ours/hand-written: ${countRatio.toFixed(2)}x (target >= 0.3x) ${countRatio >= 0.3 ? 'ok' : 'BELOW TARGET'}`);
console.log(`driver shop: ${format(shop)} records/s`);
