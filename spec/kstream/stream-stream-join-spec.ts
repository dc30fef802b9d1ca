import { expect } from 'chai';
import { JoinWindows, Serdes, StreamsBuilder, type KStream } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();
const MINUTE = 60_000;

type Kind = 'join' | 'leftJoin' | 'outerJoin';

function ordersAndPayments(kind: Kind, windows = JoinWindows.ofTimeDifferenceWithNoGrace(5 * MINUTE)) {
  const builder = new StreamsBuilder();
  const orders = builder.stream<string, string>('orders', { keySerde: str, valueSerde: str });
  const payments = builder.stream<string, string>('payments', { keySerde: str, valueSerde: str });
  const joiner = (order: string | null, payment: string | null) => `${order ?? '-'}/${payment ?? '-'}`;
  (orders[kind] as (other: KStream<string, string>, joiner: (a: string | null, b: string | null) => string, windows: JoinWindows) => KStream<string, string>)
    .call(orders, payments, joiner, windows)
    .to('paid', { keySerde: str, valueSerde: str });
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
  return {
    driver,
    orders: driver.createInputTopic('orders', str, str),
    payments: driver.createInputTopic('payments', str, str),
    paid: driver.createOutputTopic('paid', str, str),
  };
}

describe('KStream-KStream joins with JoinWindows', () => {
  it('joins an order with its payment within 5 minutes, stamped with the later time, and not beyond', () => {
    const { orders, payments, paid } = ordersAndPayments('join');
    orders.pipeInput('o1', 'laptop', 0);
    payments.pipeInput('o1', '$1000', 4 * MINUTE);
    payments.pipeInput('o2', '$20', 5 * MINUTE);
    orders.pipeInput('o2', 'mouse', 11 * MINUTE);
    expect(paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([['o1', 'laptop/$1000', 4 * MINUTE]]);
  });

  it('joins every pair within the window, whichever side comes first (inner join, Kafka docs sequence)', () => {
    const { orders: left, payments: right, paid } = ordersAndPayments('join', JoinWindows.ofTimeDifferenceWithNoGrace(100));
    const steps: [typeof left, string][] = [
      [left, 'A'],
      [right, 'a'],
      [left, 'B'],
      [right, 'b'],
      [left, 'C'],
      [right, 'c'],
      [right, 'd'],
      [left, 'D'],
    ];
    const emitted = steps.map(([topic, value], i) => {
      topic.pipeInput('k', value, i + 3);
      return paid.readValuesToList();
    });
    expect(emitted).to.deep.equal([
      [],
      ['A/a'],
      ['B/a'],
      ['A/b', 'B/b'],
      ['C/a', 'C/b'],
      ['A/c', 'B/c', 'C/c'],
      ['A/d', 'B/d', 'C/d'],
      ['D/a', 'D/b', 'D/c', 'D/d'],
    ]);
  });

  it('leftJoin emits an order that found no payment with null once its window closed, never eagerly', () => {
    const { orders, payments, paid } = ordersAndPayments('leftJoin');
    orders.pipeInput('o3', 'desk', 0);
    orders.pipeInput('o4', 'lamp', 1 * MINUTE);
    payments.pipeInput('o4', '$30', 2 * MINUTE);
    expect(paid.readValuesToList()).to.deep.equal(['lamp/$30']);
    orders.pipeInput('o5', 'chair', 5 * MINUTE);
    expect(paid.readValuesToList(), 'window of o3 still open at stream time 5 min').to.deep.equal([]);
    orders.pipeInput('o6', 'sofa', 5 * MINUTE + 1);
    expect(paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([['o3', 'desk/-', 0]]);
  });

  it('outerJoin emits unmatched records of both sides with null when their windows close', () => {
    const { orders, payments, paid } = ordersAndPayments('outerJoin', JoinWindows.ofTimeDifferenceWithNoGrace(10));
    payments.pipeInput('p', '$5', 0);
    orders.pipeInput('o', 'pen', 2);
    orders.pipeInput('x', 'tick', 30);
    expect(paid.readKeyValuesToList()).to.deep.equal([
      { key: 'p', value: '-/$5' },
      { key: 'o', value: 'pen/-' },
    ]);
  });

  it('joins a late record with what the other side still retains, and emits a late unmatched left record at once (R11)', () => {
    // Kafka Streams 4.1.2 drops no late records in a stream-stream join: the other side's store
    // retains records for before + after + grace after its latest one. JoinWindows(5 s, grace 1 s).
    const windows = JoinWindows.ofTimeDifferenceAndGrace(5000, 1000);
    const inner = ordersAndPayments('join', windows);
    inner.payments.pipeInput('a', '1', 12000);
    inner.orders.pipeInput('b', 'x', 20000);
    inner.orders.pipeInput('a', '3', 10000);
    expect(inner.paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([['a', '3/1', 12000]]);
    const left = ordersAndPayments('leftJoin', windows);
    left.orders.pipeInput('a', 'x', 20000);
    left.orders.pipeInput('b', '2', 10000);
    expect(left.paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([['b', '2/-', 10000]]);
  });

  it("emits waiting unmatched records only for a record at the join's stream time, so a later match can still save one (R12)", () => {
    // Kafka Streams 4.1.2 (KStreamKStreamJoin.emitNonJoinedOuterRecords): b's null value advances
    // the join's stream time to 9000 and is dropped; c at 8000 is behind it, so a=1 is not emitted
    // then; c's payment joins it; only d, at the stream time, emits a=1 with null.
    const { orders, payments, paid } = ordersAndPayments('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(5000, 1000));
    const read = () => paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
    orders.pipeInput('a', '1', 1000);
    orders.pipeInput('b', null as unknown as string, 9000);
    orders.pipeInput('c', '3', 8000);
    expect(read()).to.deep.equal([]);
    payments.pipeInput('c', '5', 8100);
    expect(read()).to.deep.equal([['c', '3/5', 8100]]);
    orders.pipeInput('d', '4', 9500);
    expect(read()).to.deep.equal([['a', '1/-', 1000]]);
  });

  it('emits an unmatched record of an outer side with a null key at once (KIP-962)', () => {
    const { orders, paid } = ordersAndPayments('leftJoin');
    orders.pipeInput(null as unknown as string, 'anonymous', 1000);
    expect(paid.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([[null, 'anonymous/-', 1000]]);
  });

  it('accepts an out-of-order record within the grace period, and after it joins nothing the other side no longer retains', () => {
    const { orders, payments, paid } = ordersAndPayments('join', JoinWindows.ofTimeDifferenceAndGrace(10, 5));
    orders.pipeInput('k', 'A', 100);
    payments.pipeInput('k', 'late but in grace', 95);
    orders.pipeInput('z', 'tick', 125);
    payments.pipeInput('k', 'too late', 95);
    expect(paid.readValuesToList()).to.deep.equal(['A/late but in grace']);
  });

  it('repartitions a side whose key changed, so both sides meet in one task', () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream<string, string>('orders', { keySerde: str, valueSerde: str }).selectKey((_k, v) => v.split(':')[0]!);
    const payments = builder.stream<string, string>('payments', { keySerde: str, valueSerde: str });
    orders
      .join(payments, (o, p) => `${o}+${p}`, JoinWindows.ofTimeDifferenceWithNoGrace(10), {
        name: 'paid',
        keySerde: str,
        valueSerde: str,
        otherValueSerde: str,
      })
      .to('out', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
    driver.createInputTopic('orders', str, str).pipeInput('x', 'o1:laptop', 1);
    driver.createInputTopic('payments', str, str).pipeInput('o1', '$1000', 2);
    expect(driver.createOutputTopic('out', str, str).readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: 'o1:laptop+$1000' }]);
    expect([...driver.producedTopicNames()]).to.include('shop-paid-left-repartition');
  });

  it('keeps its buffers in stores named after the join nodes, so they are changelogged', () => {
    const { driver } = ordersAndPayments('join');
    expect([...driver.getAllStateStores().keys()].sort()).to.deep.equal(['KSTREAM-JOINOTHER-0000000003-store', 'KSTREAM-JOINTHIS-0000000002-store']);
  });
});
