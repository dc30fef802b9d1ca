import { expect } from 'chai';
import { Serdes, StreamsBuilder } from '../../lib/index.ts';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TopologyTestDriver, runTopology } from '../../lib/testing/index.ts';

const str = Serdes.String();
interface Order {
  customer: string | null;
  item: string;
}

function ordersWithCustomers(left: boolean) {
  const builder = new StreamsBuilder();
  const orders = builder.table<string, Order>('orders', { keySerde: str, valueSerde: Serdes.Json<Order>() });
  const customers = builder.table<string, string>('customers', { keySerde: str, valueSerde: str });
  const joiner = (order: Order, name: string | null) => `${order.item} for ${name ?? 'nobody'}`;
  (left
    ? orders.leftJoin(customers, (order) => order.customer, joiner, { storeName: 'enriched' })
    : orders.join(customers, (order) => order.customer, joiner, { storeName: 'enriched' })
  )
    .toStream()
    .to('enriched', { keySerde: str, valueSerde: str });
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
  return {
    driver,
    orders: driver.createInputTopic('orders', str, Serdes.Json<Order>()),
    customers: driver.createInputTopic('customers', str, str),
    out: driver.createOutputTopic('enriched', str, str),
  };
}

describe('KTable foreign-key join', () => {
  it('joins each order with the customer its value names, whichever arrives first, and follows both sides', () => {
    const { orders, customers, out, driver } = ordersWithCustomers(false);
    orders.pipeInput('o1', { customer: 'c1', item: 'laptop' });
    // As in Kafka Streams, a new order whose customer does not exist yet has no result to emit.
    expect(out.readKeyValuesToList()).to.deep.equal([]);
    customers.pipeInput('c1', 'Ada');
    orders.pipeInput('o2', { customer: 'c1', item: 'mouse' });
    customers.pipeInput('c1', 'Ada L.');
    expect(out.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: 'laptop for Ada' },
      { key: 'o2', value: 'mouse for Ada' },
      { key: 'o1', value: 'laptop for Ada L.' },
      { key: 'o2', value: 'mouse for Ada L.' },
    ]);
    expect(driver.getKeyValueStore<string, string>('enriched').get('o2')).to.equal('mouse for Ada L.');
  });

  it('deletes the result when the order moves to a customer that does not exist, or is deleted', () => {
    const { orders, customers, out } = ordersWithCustomers(false);
    customers.pipeInput('c1', 'Ada');
    orders.pipeInput('o1', { customer: 'c1', item: 'laptop' });
    orders.pipeInput('o1', { customer: 'c9', item: 'laptop' });
    orders.pipeInput('o2', { customer: 'c1', item: 'desk' });
    // o2 is deleted below: its result goes, and its subscription to c1 with it.
    orders.pipeInput('o2', null as unknown as Order);
    expect(out.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: 'laptop for Ada' },
      { key: 'o1', value: null },
      { key: 'o2', value: 'desk for Ada' },
      { key: 'o2', value: null },
    ]);
  });

  it('stops following a customer the order left', () => {
    const { orders, customers, out } = ordersWithCustomers(false);
    customers.pipeInput('c1', 'Ada');
    customers.pipeInput('c2', 'Bob');
    orders.pipeInput('o1', { customer: 'c1', item: 'laptop' });
    orders.pipeInput('o1', { customer: 'c2', item: 'laptop' });
    out.readKeyValuesToList();
    customers.pipeInput('c1', 'Ada L.');
    expect(out.readKeyValuesToList()).to.deep.equal([]);
  });

  it('leftJoin joins null for a missing customer or a missing foreign key', () => {
    const { orders, customers, out } = ordersWithCustomers(true);
    orders.pipeInput('o1', { customer: 'c1', item: 'laptop' });
    orders.pipeInput('o2', { customer: null, item: 'gift card' });
    customers.pipeInput('c1', 'Ada');
    customers.pipeInput('c1', null as unknown as string);
    expect(out.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: 'laptop for nobody' },
      { key: 'o2', value: 'gift card for nobody' },
      { key: 'o1', value: 'laptop for Ada' },
      { key: 'o1', value: 'laptop for nobody' },
    ]);
  });

  it('routes subscriptions and answers through two internal topics', () => {
    const { orders, customers, driver } = ordersWithCustomers(false);
    customers.pipeInput('c1', 'Ada');
    orders.pipeInput('o1', { customer: 'c1', item: 'laptop' });
    expect([...driver.producedTopicNames()].filter((t) => t.startsWith('shop-')).sort()).to.deep.equal([
      'shop-KTABLE-FK-JOIN-0000000006-subscription-registration-repartition',
      'shop-KTABLE-FK-JOIN-0000000006-subscription-response-repartition',
    ]);
  });
});

describe('KTable foreign-key join under runTopology', () => {
  it('completes its outputs once both tables are read, although its two sides answer each other', async () => {
    const builder = new StreamsBuilder();
    const orders = builder.table<string, Order>('orders');
    const customers = builder.table<string, string>('customers');
    orders
      .join(
        customers,
        (order) => order.customer,
        (order, name) => `${order.item} for ${name}`,
      )
      .toStream()
      .to('enriched');
    const run = runTopology(builder.build(), {
      customers: from([{ key: 'c1', value: 'Ada' }]),
      orders: from([{ key: 'o1', value: { customer: 'c1', item: 'laptop' } }]),
    });
    expect(await lastValueFrom(run.output('enriched').pipe(toArray()))).to.deep.equal([{ key: 'o1', value: 'laptop for Ada' }]);
  });
});

// Minimal cases from issue 14, with the outputs of Kafka Streams 4.1.2's TopologyTestDriver. A left
// value `fk#n` names right row `fk`; `#n` names none.
describe('KTable foreign-key join against Kafka Streams, record for record', () => {
  const int = Serdes.Int();
  type Input = ['tleft', string, string | null, number] | ['tright', string, number | null, number];

  function fkJoin(left: boolean, inputs: Input[]): string[] {
    const builder = new StreamsBuilder();
    const lefts = builder.table<string, string>('tleft', { keySerde: str, valueSerde: str });
    const rights = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
    const foreignKey = (value: string) => value.slice(0, value.indexOf('#')) || (null as unknown as string);
    const joiner = (l: string, r: number | null) => `${l}/${r}`;
    (left ? lefts.leftJoin(rights, foreignKey, joiner) : lefts.join(rights, foreignKey, joiner)).toStream().to('out', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const tleft = driver.createInputTopic('tleft', str, str);
    const tright = driver.createInputTopic('tright', str, int);
    for (const [topic, key, value, timestamp] of inputs) {
      if (topic === 'tleft') tleft.pipeInput(key, value as string, timestamp);
      else tright.pipeInput(key, value as number, timestamp);
    }
    return driver
      .createOutputTopic('out', str, str)
      .readRecordsToList()
      .map((r) => `${r.key}=${r.value}@${r.timestamp}`);
  }

  it("stamps a result a left row asked for with the later of the left and right rows' timestamps (R2)", () => {
    expect(
      fkJoin(false, [
        ['tright', 'b', 6, 2000],
        ['tleft', 'a', 'b#2', 500],
      ]),
    ).to.deep.equal(['a=b#2/6@2000']);
  });

  it('sends no tombstone for a left row that never had a foreign key, nor when one that stayed has no right row (R6)', () => {
    const inputs: Input[] = [
      ['tleft', 'e', '#9', 1000],
      ['tleft', 'e', '#8', 2000],
      ['tright', 'b', 5, 3000],
      ['tleft', 'e', 'b#7', 4000],
      ['tleft', 'e', '#6', 5000],
    ];
    expect(fkJoin(false, inputs)).to.deep.equal(['e=b#7/5@4000', 'e=null@5000']);
    expect(
      fkJoin(false, [
        ['tleft', 'x', 'c#1', 1000],
        ['tleft', 'x', 'c#2', 2000],
      ]),
      'an unchanged foreign key without a right row',
    ).to.deep.equal([]);
    expect(fkJoin(true, [...inputs, ['tleft', 'e', null, 6000]])).to.deep.equal([
      'e=#9/null@1000',
      'e=#8/null@2000',
      'e=b#7/5@4000',
      'e=#6/null@5000',
      'e=null@6000',
    ]);
  });

  it("answers the left rows of a changed right row in the order of the left keys' bytes (R7)", () => {
    expect(
      fkJoin(false, [
        ['tright', 'b', 5, 1000],
        ['tleft', 'x', 'b#1', 2000],
        ['tleft', 'a', 'b#2', 3000],
        ['tright', 'b', 6, 4000],
      ]),
    ).to.deep.equal(['x=b#1/5@2000', 'a=b#2/5@3000', 'a=b#2/6@4000', 'x=b#1/6@4000']);
  });
});
