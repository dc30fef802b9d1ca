import { expect } from 'chai';
import { KafkaStreams, Serdes, StreamsBuilder, consoleLogger, type KeyValueStore, type ProcessorContext, type ProcessorSupplier } from '../../lib/index.ts';
import { KafkaTestContext, waitFor, type ReadRecord } from '../support/kafka-helpers.ts';

// The read-only guard of global stores is the same task code under the driver and on Kafka; its
// spec is in spec/ktable/global-table-spec.ts.

const S = Serdes.String();
const quiet = consoleLogger('nothing');
const CUSTOMERS = 2_000;
const ORDERS_PER_PARTITION = 100;

/** Forwards `customer id -> "<order>:<customer name>"`, or `"<order>:MISSING"` when the global store lacks the id. */
function enrich(storeName: string): ProcessorSupplier<string, string, string, string> {
  return () => {
    let context!: ProcessorContext<string, string>;
    let customers!: KeyValueStore<string, string>;
    return {
      init(ctx) {
        context = ctx;
        customers = ctx.getStateStore<KeyValueStore<string, string>>(storeName);
      },
      process(record) {
        context.forward({ ...record, value: `${record.value}:${customers.get(record.key) ?? 'MISSING'}` });
      },
    };
  };
}

const decoded = (records: readonly ReadRecord[]) => records.map((record) => ({ key: record.key!.toString(), value: record.value!.toString() }));

describe('GlobalKTable on a real broker', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  let app: KafkaStreams | undefined;
  let orders: string;
  let customers: string;
  let enriched: string;
  let storeName: string;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
    orders = kafka.name('orders');
    customers = kafka.name('customers');
    enriched = kafka.name('enriched');
    await kafka.createTopic(orders, 3);
    await kafka.createTopic(customers, 1);
    await kafka.createTopic(enriched, 1);
    await kafka.produce(
      customers,
      Array.from({ length: CUSTOMERS }, (_, i) => ({ key: `c${i}`, value: `customer-${i}` })),
    );
    const builder = new StreamsBuilder();
    const table = builder.globalTable<string, string>(customers, { keySerde: S, valueSerde: S }, { storeName: kafka.name('customers-store') });
    storeName = table.queryableStoreName;
    builder.stream<string, string>(orders, { keySerde: S, valueSerde: S }).process(enrich(storeName)).to(enriched, { keySerde: S, valueSerde: S });
    app = new KafkaStreams(builder.build(), {
      applicationId: kafka.name('app'),
      kafka: { brokers: kafka.brokers },
      commitIntervalMs: 200,
      logger: quiet,
      kafkaLogLevel: 'nothing',
    });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    const admin = await kafka.admin();
    await admin.deleteTopics({ topics: [orders, customers, enriched] }).catch(() => {});
    await kafka.close();
  });

  it('enriches the records of all 3 stream partitions from a 1-partition table, with no co-partitioning error', async () => {
    // Keys are put on explicit partitions, so each customer's orders sit on one partition of three.
    const messages = [];
    for (let partition = 0; partition < 3; partition++) {
      for (let n = 0; n < ORDERS_PER_PARTITION; n++) {
        messages.push({ key: `c${(n * 3 + partition) % CUSTOMERS}`, value: `order-p${partition}-${n}`, partition });
      }
    }
    await kafka.produce(orders, messages);
    await app!.start();
    expect(app!.state).to.equal('RUNNING');
    // One task per stream partition; the global sub-topology runs outside the tasks.
    expect(app!.activeTasks().map((id) => id.split('_')[1])).to.deep.equal(['0', '1', '2']);

    const out = decoded(await kafka.readTopic(enriched, 3 * ORDERS_PER_PARTITION));
    expect(out).to.have.length(3 * ORDERS_PER_PARTITION);
    for (let partition = 0; partition < 3; partition++) {
      expect(
        out.filter(({ value }) => value.startsWith(`order-p${partition}-`)),
        `orders of partition ${partition}`,
      ).to.have.length(ORDERS_PER_PARTITION);
    }
    for (const { key, value } of out) expect(value).to.equal(`${value.split(':')[0]}:customer-${key.slice(1)}`);
    expect(app!.error).to.equal(undefined);
  });

  it('resolves start() only once the global store holds the whole table topic', async () => {
    // A table big enough that reading it takes longer than joining the group, so that a start()
    // that did not wait for the bootstrap would be caught; the orders ask for its last customers.
    const extra = 60_000;
    await kafka.produce(
      customers,
      Array.from({ length: extra }, (_, i) => ({ key: `bulk-${i}`, value: `bulk-customer-${i}-${'x'.repeat(100)}` })),
    );
    await kafka.produce(
      orders,
      Array.from({ length: 3 * ORDERS_PER_PARTITION }, (_, i) => ({ key: `bulk-${extra - 1 - i}`, value: `early-${i}`, partition: i % 3 })),
    );
    await app!.start();
    const view = app!.store<string, string>(storeName);
    expect(view.approximateNumEntries()).to.equal(CUSTOMERS + extra);
    expect(view.get(`bulk-${extra - 1}`)).to.match(new RegExp(`^bulk-customer-${extra - 1}-x+$`));

    // Orders that were waiting before start are processed as soon as tasks run: none may miss its customer.
    const out = decoded(await kafka.readTopic(enriched, 3 * ORDERS_PER_PARTITION));
    expect(out.filter(({ value }) => value.endsWith(':MISSING')).map(({ value }) => value)).to.deep.equal([]);
    expect(out).to.have.length(3 * ORDERS_PER_PARTITION);
  });

  it('applies updates to the table topic after start, and later stream records see them', async () => {
    await app!.start();
    const view = app!.store<string, string>(storeName);
    expect(view.get('c7')).to.equal('customer-7');
    expect(view.get('c-new')).to.equal(undefined);

    await kafka.produce(customers, [
      { key: 'c7', value: 'renamed-7' },
      { key: 'c-new', value: 'newcomer' },
      { key: 'c8', value: null },
    ]);
    await waitFor(
      () => view.get('c7') === 'renamed-7' && view.get('c-new') === 'newcomer' && view.get('c8') === undefined,
      30_000,
      () => `the global store still has c7=${view.get('c7')}, c-new=${view.get('c-new')}, c8=${view.get('c8')}`,
    );
    expect(view.approximateNumEntries()).to.equal(CUSTOMERS);

    await kafka.produce(orders, [
      { key: 'c7', value: 'late-1', partition: 0 },
      { key: 'c-new', value: 'late-2', partition: 1 },
      { key: 'c8', value: 'late-3', partition: 2 },
    ]);
    const out = decoded(await kafka.readTopic(enriched, 3));
    expect(out.sort((a, b) => a.value.localeCompare(b.value))).to.deep.equal([
      { key: 'c7', value: 'late-1:renamed-7' },
      { key: 'c-new', value: 'late-2:newcomer' },
      { key: 'c8', value: 'late-3:MISSING' },
    ]);
  });

  it('serves the global store through app.store(): get, range, all, approximateNumEntries', async () => {
    await app!.start();
    const view = app!.store<string, string>(storeName);
    expect(view.get('c0')).to.equal('customer-0');
    expect(view.get('nobody')).to.equal(undefined);
    expect(view.range('c10', 'c101')).to.deep.equal([
      { key: 'c10', value: 'customer-10' },
      { key: 'c100', value: 'customer-100' },
      { key: 'c1000', value: 'customer-1000' },
      { key: 'c1001', value: 'customer-1001' },
      { key: 'c1002', value: 'customer-1002' },
      { key: 'c1003', value: 'customer-1003' },
      { key: 'c1004', value: 'customer-1004' },
      { key: 'c1005', value: 'customer-1005' },
      { key: 'c1006', value: 'customer-1006' },
      { key: 'c1007', value: 'customer-1007' },
      { key: 'c1008', value: 'customer-1008' },
      { key: 'c1009', value: 'customer-1009' },
      { key: 'c101', value: 'customer-101' },
    ]);
    expect(view.all()).to.have.length(CUSTOMERS);
    expect(view.approximateNumEntries()).to.equal(CUSTOMERS);
    await app!.close();
    expect(() => view.get('c0')).to.throw(/Global store .* is not available: the instance is NOT_RUNNING/);
  });
});
