// Issue 5's runtime cases on the real broker under exactly_once_v2, in the manner of
// crash-recovery-spec.ts: a child process (fixtures/windows-joins-app.ts) is SIGKILLed mid-stream
// with work committed and work in flight, a second one takes over, and what a read_committed
// consumer finds in the output topic must be exactly what the input implies.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { Serdes } from '../../lib/index.ts';
import { ChildApp } from '../support/child-app.ts';
import { KafkaTestContext, waitFor, type ReadRecord } from '../support/kafka-helpers.ts';
import type { Customer, EnrichedOrder, Event, Order } from './fixtures/windows-joins-app.ts';

const fixture = fileURLToPath(new URL('./fixtures/windows-joins-app.ts', import.meta.url));
const str = Serdes.String();

/** A child process running one case of the windows/joins app; it prints how far it got. */
class AppProcess extends ChildApp {
  /** True once the app started (it prints its progress from then on). */
  started = false;
  progress = 0;
  tableRows = 0;
  restored = 0;

  constructor(env: Record<string, string>) {
    super(fixture, env);
  }

  protected onLine(line: string): void {
    if (line.startsWith('PROGRESS ')) {
      this.started = true;
      this.progress = Number(line.slice(9));
    }
    if (line.startsWith('TABLE ')) this.tableRows = Number(line.slice(6));
    if (line.startsWith('RESTORED ')) this.restored += (JSON.parse(line.slice(9)) as { restored: number }).restored;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `messages` in `chunks` slices, pausing between them, so input keeps arriving while the first process runs. */
async function produceSlowly(
  kafka: KafkaTestContext,
  topic: string,
  messages: { key: string; value: string; partition?: number }[],
  chunks: number,
): Promise<void> {
  const size = Math.ceil(messages.length / chunks);
  for (let from = 0; from < messages.length; from += size) {
    await kafka.produce(topic, messages.slice(from, from + size));
    await sleep(100);
  }
}

/** Records in the order they were written: per partition, by offset. */
const inOffsetOrder = (records: readonly ReadRecord[]): ReadRecord[] => [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);

describe('Windowed counts and a stream-table join killed mid-stream (exactly_once_v2)', function () {
  this.timeout(60_000);
  let kafka: KafkaTestContext;
  const children: AppProcess[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()));
    await kafka.close();
  });

  /** Records committed to `topic` so far: the sum of its partitions' last stable offsets. */
  async function committedEnd(admin: Admin, topic: string): Promise<number> {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.offset), 0);
  }

  /**
   * Starts the first process and feeds it; kills it once it committed output and saw a quarter of
   * the input, while input still arrives; then starts the second.
   */
  async function crashAndRestart(
    env: Record<string, string>,
    output: string,
    total: number,
    beforeInput: (first: AppProcess) => Promise<void>,
    produce: () => Promise<void>,
  ) {
    const first = new AppProcess(env);
    children.push(first);
    await beforeInput(first);
    const producing = produce();
    const admin = await kafka.admin();
    await waitFor(
      async () => first.progress > total / 4 && (await committedEnd(admin, output)) > 0,
      20_000,
      () => `the first run saw ${first.progress} of ${total} records`,
    );
    // Some transactions are committed before the kill, one is open when it comes.
    await sleep(150);
    await first.kill();
    const atKill = first.progress;
    expect(atKill, 'killed mid-stream').to.be.lessThan(total);
    await producing;
    const second = new AppProcess(env);
    children.push(second);
    return { atKill, second };
  }

  it('a windowed count (1 s tumbling windows, event time from the value) ends with the exact count of every window', async () => {
    const input = kafka.name('wj-events');
    const output = kafka.name('wj-window-counts');
    await kafka.createTopic(input, 3);
    await kafka.createTopic(output, 3);
    const windowSizeMs = 1000;
    const count = 6000;
    // Near the wall clock (whole seconds), or the broker's time-based retention could drop the records.
    const base = Math.floor(Date.now() / 1000) * 1000;
    // Event time advances 10 ms per event, with up to 699 ms of disorder: less than the grace, so
    // no event is late and the counts follow from the input alone.
    const events: Event[] = Array.from({ length: count }, (_, i) => ({ user: `u${i % 7}`, at: base + i * 10 + ((i * 7919) % 700) }));
    const expected: Record<string, number> = {};
    for (const event of events) {
      const window = `${event.user}@${event.at - (event.at % windowSizeMs)}`;
      expected[window] = (expected[window] ?? 0) + 1;
    }
    const env = {
      BROKERS: kafka.brokers.join(','),
      APP_ID: kafka.name('wj-count'),
      CASE: 'windowed-count',
      INPUT: input,
      OUTPUT: output,
      WINDOW_SIZE_MS: String(windowSizeMs),
      GRACE_MS: '2000',
    };
    // User uN goes to partition N % 3, and so do its counts (see the fixture's partitioner).
    const messages = events.map((event) => ({ key: event.user, value: JSON.stringify(event), partition: Number(event.user.slice(1)) % 3 }));
    const { atKill, second } = await crashAndRestart(
      env,
      output,
      count,
      (first) =>
        waitFor(
          () => first.started,
          20_000,
          () => 'the first run did not start',
        ),
      () => produceSlowly(kafka, input, messages, 30),
    );

    const windowed = Serdes.Windowed(str, windowSizeMs);
    const latestOf = (records: readonly ReadRecord[]): Record<string, number> => {
      const latest: Record<string, number> = {};
      for (const record of inOffsetOrder(records)) {
        const key = windowed.deserialize(output, record.key);
        latest[`${key.key}@${key.window.start}`] = Serdes.Int().deserialize(output, record.value);
      }
      return latest;
    };
    const reached = (latest: Record<string, number>) => Object.entries(expected).every(([window, n]) => (latest[window] ?? 0) >= n);
    const records = await kafka.readTopicUntil(
      output,
      (read) => reached(latestOf(read)),
      30_000,
      'read_committed',
      () => 'every window at its full count',
    );
    await waitFor(
      () => atKill + second.progress >= count,
      10_000,
      () => `the second run saw ${second.progress} events`,
    );
    console.log(
      `      killed after ${atKill}/${count} events, ${atKill + second.progress - count} of them seen again after the restart; restored ${second.restored} changelog records`,
    );
    expect(latestOf(records)).to.deep.equal(expected);
    // Exactly-once: each event raised its window's count once, so a window's updates only ever
    // grow (the record cache merges some of them away), up to n. An event counted twice, or a
    // count restarted from a stale store, would repeat or lower a value.
    const updates: Record<string, number[]> = {};
    for (const record of inOffsetOrder(records)) {
      const key = windowed.deserialize(output, record.key);
      (updates[`${key.key}@${key.window.start}`] ??= []).push(Serdes.Int().deserialize(output, record.value));
    }
    for (const [window, n] of Object.entries(expected)) {
      const seen = updates[window]!;
      expect(
        seen.every((count, i) => i === 0 || count > seen[i - 1]!),
        `${window}: ${seen.join(',')}`,
      ).to.equal(true);
      expect(seen.at(-1), window).to.equal(n);
    }
  });

  it('a stream-table join (orders with a customers table loaded first) emits every enriched order exactly once', async () => {
    const table = kafka.name('wj-customers');
    const input = kafka.name('wj-orders');
    const output = kafka.name('wj-enriched-orders');
    for (const topic of [table, input, output]) await kafka.createTopic(topic, 3);
    const customers = new Map<string, Customer>(
      Array.from({ length: 40 }, (_, i) => [`c${i}`, { name: `Customer ${i}`, tier: ['gold', 'silver', 'bronze'][i % 3]! }]),
    );
    await kafka.produce(
      table,
      [...customers].map(([id, customer]) => ({ key: id, value: JSON.stringify(customer) })),
    );
    const count = 6000;
    const orders = Array.from({ length: count }, (_, i) => ({
      customerId: `c${(i * 7) % customers.size}`,
      order: { orderId: `o${i}`, amount: 1 + (i % 50) } satisfies Order,
    }));
    const expected = new Map<string, { key: string; value: EnrichedOrder }>();
    for (const { customerId, order } of orders) {
      const customer = customers.get(customerId)!;
      expected.set(order.orderId, { key: customerId, value: { orderId: order.orderId, amount: order.amount, customer: customer.name, tier: customer.tier } });
    }
    // Enriched orders keep their key (the customer id), so each output partition has one
    // transactional writer, like the counts in the windowed case (see the fixture).
    const env = { BROKERS: kafka.brokers.join(','), APP_ID: kafka.name('wj-join'), CASE: 'stream-table-join', TABLE: table, INPUT: input, OUTPUT: output };
    const messages = orders.map(({ customerId, order }) => ({ key: customerId, value: JSON.stringify(order) }));
    const { atKill, second } = await crashAndRestart(
      env,
      output,
      count,
      // The table is loaded before the first order is produced, so every order finds its customer.
      (first) =>
        waitFor(
          () => first.tableRows === customers.size,
          20_000,
          () => `the customers table has ${first.tableRows} of ${customers.size} rows`,
        ),
      () => produceSlowly(kafka, input, messages, 30),
    );

    const joined = (records: readonly ReadRecord[]) =>
      inOffsetOrder(records).map((record) => ({
        key: str.deserialize(output, record.key),
        value: Serdes.Json<EnrichedOrder>().deserialize(output, record.value),
      }));
    const distinctOrders = (records: readonly ReadRecord[]) => new Set(joined(records).map((record) => record.value.orderId)).size;
    const records = await kafka.readTopicUntil(
      output,
      (read) => distinctOrders(read) >= count,
      30_000,
      'read_committed',
      () => `all ${count} orders`,
    );
    await waitFor(
      () => atKill + second.progress >= count,
      10_000,
      () => `the second run saw ${second.progress} orders`,
    );
    console.log(
      `      killed after ${atKill}/${count} orders, ${atKill + second.progress - count} of them seen again after the restart; restored ${second.restored} changelog records`,
    );
    const seen = new Map<string, number>();
    for (const record of joined(records)) seen.set(record.value.orderId, (seen.get(record.value.orderId) ?? 0) + 1);
    expect(
      [...seen].filter(([, n]) => n > 1),
      'orders emitted more than once',
    ).to.deep.equal([]);
    expect(records.length).to.equal(count);
    expect(new Map(joined(records).map((record) => [record.value.orderId, record]))).to.deep.equal(expected);
  });
});
