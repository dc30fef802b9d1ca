import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, StreamsException, consoleLogger, type KTable } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KGroupedStream', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const sales = {
    a: { key: 'pen', value: 2 },
    b: { key: 'ink', value: 5 },
    c: { key: 'pen', value: 3 },
    d: { key: 'pen', value: 10 },
  };

  describe('count', () => {
    it('should emit the running count per key as each record arrives', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('sales').groupByKey().count().toStream().to('sales-count');

        const input = cold('-a-b--c-d|', sales);
        const expected = '  -x-y--z-w|';
        expectObservable(runTopology(builder.build(), { sales: input }).output('sales-count')).toBe(expected, {
          x: { key: 'pen', value: 1 },
          y: { key: 'ink', value: 1 },
          z: { key: 'pen', value: 2 },
          w: { key: 'pen', value: 3 },
        });
      });
    });

    it('should not count records with a null value, as Kafka Streams does', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number | null>('sales').groupByKey().count().toStream().to('sales-count');

        const input = cold('-a-n-c|', { ...sales, n: { key: 'pen', value: null } });
        const expected = '  -x---z|';
        expectObservable(runTopology(builder.build(), { sales: input }).output('sales-count')).toBe(expected, {
          x: { key: 'pen', value: 1 },
          z: { key: 'pen', value: 2 },
        });
      });
    });

    it("should stamp each update with the latest timestamp counted so far, not an older record's (R1)", () => {
      // Kafka Streams 4.1.2 (KStreamAggregate): the aggregate's timestamp is max(its timestamp, the record's).
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('in', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .groupBy((_k, v) => `g${v % 3}`, { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .count()
        .toStream()
        .to('out', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
      const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.Int());
      input.pipeInput('a', 1, 1000);
      input.pipeInput('b', 1, 500);
      const output = driver.createOutputTopic('out', Serdes.String(), Serdes.Int());
      expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
        ['g1', 1, 1000],
        ['g1', 2, 1000],
      ]);
    });

    it('should keep the counts in the named store, readable from the driver', () => {
      const builder = new StreamsBuilder();
      builder.stream<string, number>('sales', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }).groupByKey().count({ storeName: 'sales-count' });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('sales', Serdes.String(), Serdes.Int());

      input.pipeKeyValueList(Object.values(sales));

      expect(driver.getKeyValueStore<string, number>('sales-count').all()).to.deep.equal([
        { key: 'ink', value: 1 },
        { key: 'pen', value: 3 },
      ]);
      driver.close();
    });
  });

  describe('reduce', () => {
    it('should keep the first value as it is, then combine each new value with the aggregate', () => {
      const calls: string[] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, number>('sales')
          .groupByKey()
          .reduce((total, amount) => {
            calls.push(`${total}+${amount}`);
            return total + amount;
          })
          .toStream()
          .to('sales-total');

        const input = cold('-a-b--c-d|', sales);
        const expected = '  -x-y--z-w|';
        expectObservable(runTopology(builder.build(), { sales: input }).output('sales-total')).toBe(expected, {
          x: { key: 'pen', value: 2 },
          y: { key: 'ink', value: 5 },
          z: { key: 'pen', value: 5 },
          w: { key: 'pen', value: 15 },
        });
      });
      expect(calls).to.deep.equal(['2+3', '5+10']);
    });

    it('should serialize the result with the value serde of the stream', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('sales', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .groupByKey()
        .reduce((total, amount) => total + amount, { storeName: 'sales-total' })
        .toStream()
        .to('sales-total');
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('sales', Serdes.String(), Serdes.Int());

      input.pipeInput('pen', 2);
      input.pipeInput('pen', 3);

      expect(driver.createOutputTopic('sales-total', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([
        { key: 'pen', value: 2 },
        { key: 'pen', value: 5 },
      ]);
      expect(driver.getKeyValueStore<string, number>('sales-total').get('pen')).to.equal(5);
      driver.close();
    });

    it('should fail naming the processor and the record of the repartition topic when the reducer throws after a key change', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('sales', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .groupBy((item) => item.toUpperCase(), { name: 'by-upper', keySerde: Serdes.String() })
        .reduce(
          (total, amount) => {
            if (total + amount > 10) throw new Error('over the limit');
            return total + amount;
          },
          { storeName: 'sales-total' },
          'sum-sales',
        );
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('sales', Serdes.String(), Serdes.Int());

      input.pipeInput('pen', 6);
      expect(() => input.pipeInput('Pen', 6))
        .to.throw(StreamsException)
        .with.property(
          'message',
          'Processor sum-sales failed: over the limit (at task 1_0, processor sum-sales, topic app-by-upper-repartition partition 0 offset 1)',
        );
    });

    it("should leave the aggregate as it was when the reducer throws under processingExceptionHandler 'log-and-continue'", () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('sales', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .groupByKey()
        .reduce(
          (total, amount) => {
            if (amount < 0) throw new Error('refunds are not sales');
            return total + amount;
          },
          { storeName: 'sales-total' },
        );
      const driver = new TopologyTestDriver(
        builder.build(),
        { applicationId: 'app', processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') },
        0,
      );
      const input = driver.createInputTopic('sales', Serdes.String(), Serdes.Int());

      input.pipeInput('pen', 2);
      input.pipeInput('pen', -1);
      input.pipeInput('pen', 3);

      expect(driver.getKeyValueStore<string, number>('sales-total').get('pen')).to.equal(5);
      driver.close();
    });
  });

  describe('aggregate', () => {
    it('should start each key from the initializer and fold every record in with the aggregator', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, number>('sales')
          .groupByKey()
          .aggregate(
            () => ({ count: 0, total: 0 }),
            (_item, amount, stats) => ({ count: stats.count + 1, total: stats.total + amount }),
          )
          .toStream()
          .to('sales-stats');

        const input = cold('-a-b--c-|', sales);
        const expected = '  -x-y--z-|';
        expectObservable(runTopology(builder.build(), { sales: input }).output('sales-stats')).toBe(expected, {
          x: { key: 'pen', value: { count: 1, total: 2 } },
          y: { key: 'ink', value: { count: 1, total: 5 } },
          z: { key: 'pen', value: { count: 2, total: 5 } },
        });
      });
    });

    it('should pass the key to the aggregator and type the table by the aggregate', () => {
      const builder = new StreamsBuilder();
      const receipts: KTable<string, string[]> = builder
        .stream<string, number>('sales', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .groupByKey()
        .aggregate(
          (): string[] => [],
          (item, amount, lines) => [...lines, `${amount}x${item}`],
          { storeName: 'receipts', valueSerde: Serdes.Json<string[]>() },
        );
      receipts
        .toStream()
        .filter((_item, lines): lines is string[] => lines !== null)
        .mapValues((lines) => lines.join(', '))
        .to('receipts', { valueSerde: Serdes.String() });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('sales', Serdes.String(), Serdes.Int());

      input.pipeInput('pen', 2);
      input.pipeInput('pen', 3);

      expect(driver.createOutputTopic('receipts', Serdes.String(), Serdes.String()).readValuesToList()).to.deep.equal(['2xpen', '2xpen, 3xpen']);
      expect(driver.getKeyValueStore<string, string[]>('receipts').get('pen')).to.deep.equal(['2xpen', '3xpen']);
      driver.close();
    });

    it('should fail naming the processor and the record when the aggregator throws', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, number>('sales')
          .groupByKey()
          .aggregate(
            () => 0,
            (_item, amount, total) => {
              if (amount > 5) throw new Error('too large a sale');
              return total + amount;
            },
            {},
            'sum-sales',
          )
          .toStream()
          .to('sales-total');

        const input = cold('-a-b--c-d|', sales);
        const expected = '  -x-y--z-#';
        const error = 'ProcessingException: Processor sum-sales failed: too large a sale (at task 0_0, processor sum-sales, topic sales partition 0 offset 3)';
        expectObservable(runTopology(builder.build(), { sales: input }).output('sales-total').pipe(errorText())).toBe(
          expected,
          { x: { key: 'pen', value: 2 }, y: { key: 'ink', value: 5 }, z: { key: 'pen', value: 5 } },
          error,
        );
      });
    });
  });
});
