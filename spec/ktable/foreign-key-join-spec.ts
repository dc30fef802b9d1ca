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
  (left ? orders.leftJoin(customers, (order) => order.customer, joiner, { storeName: 'enriched' }) : orders.join(customers, (order) => order.customer, joiner, { storeName: 'enriched' }))
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
    orders.join(customers, (order) => order.customer, (order, name) => `${order.item} for ${name}`).toStream().to('enriched');
    const run = runTopology(builder.build(), {
      customers: from([{ key: 'c1', value: 'Ada' }]),
      orders: from([{ key: 'o1', value: { customer: 'c1', item: 'laptop' } }]),
    });
    expect(await lastValueFrom(run.output('enriched').pipe(toArray()))).to.deep.equal([{ key: 'o1', value: 'laptop for Ada' }]);
  });
});
