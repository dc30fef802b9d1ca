import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.filter / filterNot', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const records = {
    a: { key: 'k1', value: 1 },
    b: { key: 'k2', value: 2 },
    c: { key: 'k3', value: 3 },
    d: { key: 'k4', value: 4 },
  };

  it('should keep the records for which the predicate holds, in order and on time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filter((_key, value) => value % 2 === 0)
        .to('evens');

      const numbers = cold('-a-b-c-d-|', records);
      const expected = '    ---b---d-|';
      expectObservable(runTopology(builder.build(), { numbers }).output('evens')).toBe(expected, records);
    });
  });

  it('should drop the records for which the predicate holds with filterNot', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filterNot((_key, value) => value % 2 === 0)
        .to('odds');

      const numbers = cold('-a-b-c-d-|', records);
      const expected = '    -a---c---|';
      expectObservable(runTopology(builder.build(), { numbers }).output('odds')).toBe(expected, records);
    });
  });

  it('should pass the key and the value to the predicate', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filter((key, value) => key === 'k3' || value === 1)
        .to('picked');

      const numbers = cold('-a-b-c-d-|', records);
      const expected = '    -a---c---|';
      expectObservable(runTopology(builder.build(), { numbers }).output('picked')).toBe(expected, records);
    });
  });

  it('should keep the timestamp of each record it passes on', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filter((_key, value) => value > 2)
        .to('big');

      const numbers = cold('-a-b-c-d-|', { ...records, c: { ...records.c, timestamp: 42 } });
      const expected = '    -----c-d-|';
      expectObservable(runTopology(builder.build(), { numbers }).records('big')).toBe(expected, {
        c: { topic: 'big', key: 'k3', value: 3, timestamp: 42, headers: {} },
        d: { topic: 'big', key: 'k4', value: 4, timestamp: 7, headers: {} },
      });
    });
  });

  it('should fail naming the processor and the record when the predicate throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filter((_key, value) => {
          if (value === 3) throw new Error('three is not allowed');
          return true;
        }, 'no-threes')
        .to('out');

      const numbers = cold('-a-b-c-d-|', records);
      const expected = '    -a-b-#';
      const error =
        'ProcessingException: Processor no-threes failed: three is not allowed (at task 0_0, processor no-threes, topic numbers partition 0 offset 2)';
      expectObservable(runTopology(builder.build(), { numbers }).output('out').pipe(errorText())).toBe(expected, records, error);
    });
  });

  it("should skip the record and go on when the predicate throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filterNot((_key, value) => {
          if (value === 2) throw new Error('two is not allowed');
          return false;
        })
        .to('out');

      const numbers = cold('-a-b-c-d-|', records);
      const expected = '    -a---c-d-|';
      const run = runTopology(builder.build(), { numbers }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(expected, records);
    });
  });

  it('should pass an error of the input topic on to the output', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('numbers')
        .filter(() => true)
        .to('out');

      const numbers = cold('-a-#', records, new Error('broker gone'));
      const expected = '    -a-#';
      expectObservable(runTopology(builder.build(), { numbers }).output('out')).toBe(expected, records, new Error('broker gone'));
    });
  });

  it('should filter deserialized values in the TopologyTestDriver and write them with the source serdes', () => {
    interface Order {
      item: string;
      quantity: number;
    }
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
      .filter((_id, order) => order.quantity > 0)
      .to('valid-orders');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
    const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
    const valid = driver.createOutputTopic('valid-orders', Serdes.String(), Serdes.Json<Order>());

    orders.pipeInput('o1', { item: 'laptop', quantity: 1 });
    orders.pipeInput('o2', { item: 'mouse', quantity: 0 });
    orders.pipeInput('o3', { item: 'cable', quantity: 5 });

    expect(valid.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: { item: 'laptop', quantity: 1 } },
      { key: 'o3', value: { item: 'cable', quantity: 5 } },
    ]);
    driver.close();
  });
});
