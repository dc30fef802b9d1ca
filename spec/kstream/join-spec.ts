import { expect } from 'chai';
import { Serdes, StreamsBuilder, consoleLogger } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();
interface Order {
  item: string;
  quantity: number;
}
interface Delivery {
  status: string;
}

describe('KStream.join / leftJoin with a KTable', () => {
  function shop(left: boolean) {
    const builder = new StreamsBuilder();
    const deliveries = builder.table<string, Delivery>('deliveries', { keySerde: str, valueSerde: Serdes.Json<Delivery>() });
    const orders = builder.stream<string, Order>('orders', { keySerde: str, valueSerde: Serdes.Json<Order>() });
    const joiner = (order: Order, delivery: Delivery | null) => `${order.item}:${delivery?.status ?? 'none'}`;
    (left ? orders.leftJoin(deliveries, joiner) : orders.join(deliveries, joiner)).to('order-status', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    return {
      driver,
      orders: driver.createInputTopic('orders', str, Serdes.Json<Order>()),
      deliveries: driver.createInputTopic('deliveries', str, Serdes.Json<Delivery>()),
      out: driver.createOutputTopic('order-status', str, str),
    };
  }

  it('joins each order with the current delivery status of its order id; a table update alone emits nothing', () => {
    const { orders, deliveries, out } = shop(false);
    orders.pipeInput('o1', { item: 'laptop', quantity: 1 });
    deliveries.pipeInput('o1', { status: 'in_progress' });
    expect(out.isEmpty()).to.equal(true);
    orders.pipeInput('o1', { item: 'laptop', quantity: 2 });
    deliveries.pipeInput('o1', { status: 'delivered' });
    orders.pipeInput('o1', { item: 'mouse', quantity: 1 });
    expect(out.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: 'laptop:in_progress' },
      { key: 'o1', value: 'mouse:delivered' },
    ]);
  });

  it('leftJoin emits records without a match, joined with null', () => {
    const { orders, deliveries, out } = shop(true);
    orders.pipeInput('o1', { item: 'laptop', quantity: 1 });
    deliveries.pipeInput('o1', { status: 'in_progress' });
    orders.pipeInput('o1', { item: 'mouse', quantity: 1 });
    deliveries.pipeInput('o1', null as unknown as Delivery);
    orders.pipeInput('o1', { item: 'desk', quantity: 1 });
    expect(out.readValuesToList()).to.deep.equal(['laptop:none', 'mouse:in_progress', 'desk:none']);
  });

  it('repartitions a stream whose key changed before joining, so keys meet their table rows', () => {
    const builder = new StreamsBuilder();
    const prices = builder.table<string, number>('prices', { keySerde: str, valueSerde: Serdes.Int() });
    builder
      .stream<string, Order>('orders', { keySerde: str, valueSerde: Serdes.Json<Order>() })
      .selectKey((_key, order) => order.item)
      .join(prices, (order, price) => order.quantity * price, { name: 'priced', keySerde: str, valueSerde: Serdes.Json<Order>() })
      .to('revenue', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
    driver.createInputTopic('prices', str, Serdes.Int()).pipeInput('laptop', 1000);
    driver.createInputTopic('orders', str, Serdes.Json<Order>()).pipeInput('o1', { item: 'laptop', quantity: 2 });
    expect(driver.createOutputTopic('revenue', str, Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'laptop', value: 2000 }]);
    expect([...driver.producedTopicNames()]).to.include('shop-priced-repartition');
  });

  it('fails naming the processor when the joiner throws, and skips under log-and-continue', () => {
    const build = (handler?: 'log-and-continue') => {
      const builder = new StreamsBuilder();
      const table = builder.table<string, string>('t', { keySerde: str, valueSerde: str });
      builder
        .stream<string, string>('s', { keySerde: str, valueSerde: str })
        .join(table, (v, t) => {
          if (v === 'bad') throw new Error('cannot join bad');
          return `${v}+${t}`;
        })
        .to('out', { keySerde: str, valueSerde: str });
      const driver = new TopologyTestDriver(builder.build(), { processingExceptionHandler: handler, logger: consoleLogger('nothing') }, 0);
      driver.createInputTopic('t', str, str).pipeInput('k', 'T');
      return driver;
    };
    expect(() => build().createInputTopic('s', str, str).pipeInput('k', 'bad')).to.throw(
      /Processor KSTREAM-JOIN-\d+ failed: cannot join bad.*topic s partition 0 offset 0/,
    );
    const driver = build('log-and-continue');
    const input = driver.createInputTopic('s', str, str);
    input.pipeInput('k', 'bad');
    input.pipeInput('k', 'good');
    expect(driver.createOutputTopic('out', str, str).readValuesToList()).to.deep.equal(['good+T']);
  });
});

describe('KStream.join / leftJoin with a GlobalKTable', () => {
  it('looks up the key the selector picks, in a table every task holds whole', () => {
    const builder = new StreamsBuilder();
    const customers = builder.globalTable<string, string>('customers', { keySerde: str, valueSerde: str });
    const orders = builder.stream<string, { customer: string }>('orders', { keySerde: str, valueSerde: Serdes.Json<{ customer: string }>() });
    orders
      .join(
        customers,
        (_id, order) => order.customer,
        (order, name) => `${order.customer}=${name}`,
      )
      .to('named', { keySerde: str, valueSerde: str });
    orders
      .leftJoin(
        customers,
        (_id, order) => order.customer,
        (order, name) => `${order.customer}=${name ?? '?'}`,
      )
      .to('named-left', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    driver.createInputTopic('customers', str, str).pipeInput('c1', 'Ada');
    const input = driver.createInputTopic('orders', str, Serdes.Json<{ customer: string }>());
    input.pipeInput('o1', { customer: 'c1' });
    input.pipeInput('o2', { customer: 'c2' });
    expect(driver.createOutputTopic('named', str, str).readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: 'c1=Ada' }]);
    expect(driver.createOutputTopic('named-left', str, str).readValuesToList()).to.deep.equal(['c1=Ada', 'c2=?']);
  });
});
