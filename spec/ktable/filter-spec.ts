import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, ProcessingException, type Topology } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();
const I = Serdes.Int();
const tombstone = null as unknown as number;

type Build = (builder: StreamsBuilder) => void;

/** in (a table of numbers) -> filter(even) -> toStream -> out, with default serdes for runTopology. */
function evens(): Topology {
  const builder = new StreamsBuilder();
  builder
    .table<string, number>('in')
    .filter((_k, v) => v % 2 === 0)
    .toStream()
    .to('out');
  return builder.build();
}

function driverFor(build: Build, config: Record<string, unknown> = {}) {
  const builder = new StreamsBuilder();
  build(builder);
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', logger: consoleLogger('nothing'), ...config }, 0);
  return { driver, input: driver.createInputTopic('in', S, I), output: driver.createOutputTopic('out', S, I) };
}

const evenTable: Build = (b) =>
  b
    .table<string, number>('in', { keySerde: S, valueSerde: I })
    .filter((_k, v) => v % 2 === 0)
    .toStream()
    .to('out', { keySerde: S, valueSerde: I });

/** The same on a materialized source table: the filter then sees old values, as in Kafka Streams. */
const evenRows: Build = (b) =>
  b
    .table<string, number>('in', { keySerde: S, valueSerde: I }, { storeName: 'rows' })
    .filter((_k, v) => v % 2 === 0)
    .toStream()
    .to('out', { keySerde: S, valueSerde: I });

describe('KTable.filter', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should forward rows that match the predicate', () => {
    const { input, output } = driverFor(evenTable);
    input.pipeInput('a', 2);
    input.pipeInput('b', 4);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 2 },
      { key: 'b', value: 4 },
    ]);
  });

  it('should turn a row that stops matching into a delete downstream', () => {
    const { input, output } = driverFor(evenTable);
    input.pipeInput('a', 2);
    input.pipeInput('a', 3);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 2 },
      { key: 'a', value: null },
    ]);
  });

  it('should forward a delete for every update that fails the predicate while the source table is not materialized (R4)', () => {
    // Kafka Streams 4.1.2's TopologyTestDriver: without old values the filter cannot know whether
    // downstream saw the row, so each failing update and each tombstone becomes (key, null).
    const tripledEvens: Build = (b) =>
      b
        .table<string, number>('in', { keySerde: S, valueSerde: I })
        .filter((_k, v) => v % 2 === 0)
        .mapValues((v) => v * 3)
        .toStream()
        .to('out', { keySerde: S, valueSerde: I });
    const { input, output } = driverFor(tripledEvens);
    input.pipeInput('a', 1);
    input.pipeInput('a', 3);
    input.pipeInput('b', tombstone);
    input.pipeInput('c', 2);
    input.pipeInput('c', 4);
    input.pipeInput('c', 5);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: null },
      { key: 'a', value: null },
      { key: 'b', value: null },
      { key: 'c', value: 6 },
      { key: 'c', value: 12 },
      { key: 'c', value: null },
    ]);
    // Nothing asked for the source table's rows, so it has no store (as Kafka's describe() shows).
    const builder = new StreamsBuilder();
    tripledEvens(builder);
    expect(builder.build().describe().toString()).to.include('Processor: KTABLE-SOURCE-0000000002 (stores: [])');
  });

  it('should forward nothing for a row that never matched, nor for its update or delete, when the source table is materialized', () => {
    const { input, output } = driverFor(evenRows);
    input.pipeInput('a', 1);
    input.pipeInput('a', 3);
    input.pipeInput('a', tombstone);
    input.pipeInput('never-seen', tombstone);
    expect(output.isEmpty()).to.equal(true);
  });

  it('should forward a delete of a row that matched', () => {
    const { input, output } = driverFor(evenTable);
    input.pipeInput('a', 2);
    input.pipeInput('a', tombstone);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 2 },
      { key: 'a', value: null },
    ]);
  });

  it('should forward a row that starts matching as an insert', () => {
    const { input, output } = driverFor(evenRows);
    input.pipeInput('a', 1);
    input.pipeInput('a', 6);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'a', value: 6 }]);
  });

  it('should pass the key to the predicate', () => {
    const { input, output } = driverFor((b) =>
      b
        .table<string, number>('in', { keySerde: S, valueSerde: I })
        .filter((k) => k.startsWith('keep'))
        .toStream()
        .to('out', { keySerde: S, valueSerde: I }),
    );
    input.pipeInput('keep-1', 1);
    input.pipeInput('drop-1', 1);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'keep-1', value: 1 },
      { key: 'drop-1', value: null },
    ]);
  });

  it('should keep only matching rows in its own store when materialized', () => {
    const { driver, input } = driverFor((b) =>
      b
        .table<string, number>('in', { keySerde: S, valueSerde: I }, { storeName: 'all' })
        .filter((_k, v) => v % 2 === 0, { storeName: 'even' })
        .toStream()
        .to('out', { keySerde: S, valueSerde: I }),
    );
    input.pipeInput('a', 2);
    input.pipeInput('b', 3);
    input.pipeInput('c', 4);
    input.pipeInput('c', 5);
    const even = driver.getKeyValueStore<string, number>('even');
    expect(even.all()).to.deep.equal([{ key: 'a', value: 2 }]);
    expect(driver.getKeyValueStore<string, number>('all').all()).to.deep.equal([
      { key: 'a', value: 2 },
      { key: 'b', value: 3 },
      { key: 'c', value: 5 },
    ]);
  });

  it('should fail naming the processor, topic, partition and offset when the predicate throws', () => {
    const { input } = driverFor((b) =>
      b
        .table<string, number>('in', { keySerde: S, valueSerde: I })
        .filter((_k, v) => {
          if (v === 13) throw new Error('unlucky');
          return true;
        })
        .toStream()
        .to('out', { keySerde: S, valueSerde: I }),
    );
    input.pipeInput('a', 1);
    expect(() => input.pipeInput('b', 13))
      .to.throw(ProcessingException)
      .with.property(
        'message',
        'Processor KTABLE-FILTER-0000000003 failed: unlucky (at task 0_0, processor KTABLE-FILTER-0000000003, topic in partition 0 offset 1)',
      );
    expect(() => input.pipeInput('c', 2)).to.throw(/failed earlier/);
  });

  it("should skip the record and go on when the predicate throws under 'log-and-continue'", () => {
    const { input, output } = driverFor(
      (b) =>
        b
          .table<string, number>('in', { keySerde: S, valueSerde: I })
          .filter((_k, v) => {
            if (v === 13) throw new Error('unlucky');
            return true;
          })
          .toStream()
          .to('out', { keySerde: S, valueSerde: I }),
      { processingExceptionHandler: 'log-and-continue' },
    );
    input.pipeInput('a', 1);
    input.pipeInput('b', 13);
    input.pipeInput('c', 2);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 1 },
      { key: 'c', value: 2 },
    ]);
  });

  it('should turn updates into inserts and deletes over time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-b-c-d-e|', {
        a: { key: 'k', value: 2 },
        b: { key: 'k', value: 3 },
        c: { key: 'k', value: 5 },
        d: { key: 'k', value: 8 },
        e: { key: 'k', value: null },
      });
      // The source table is not materialized: 5 fails the predicate again and is a delete again.
      const expected = '    -w-x-x-y-z|';
      const run = runTopology(evens(), { in: input });
      expectObservable(run.output('out')).toBe(expected, {
        w: { key: 'k', value: 2 },
        x: { key: 'k', value: null },
        y: { key: 'k', value: 8 },
        z: { key: 'k', value: null },
      });
    });
  });

  it('should error its outputs when the predicate throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .table<string, number>('in')
        .filter((_k, v) => {
          if (v === 13) throw new Error('unlucky');
          return true;
        })
        .toStream()
        .to('out');
      const input = cold('  -a-b-c|', { a: { key: 'x', value: 1 }, b: { key: 'y', value: 13 }, c: { key: 'z', value: 2 } });
      const expected = '    -a-#';
      const run = runTopology(builder.build(), { in: input });
      expectObservable(run.output('out')).toBe(
        expected,
        { a: { key: 'x', value: 1 } },
        new ProcessingException('Processor KTABLE-FILTER-0000000003 failed: unlucky', {
          location: { taskId: '0_0', nodeName: 'KTABLE-FILTER-0000000003', topic: 'in', partition: 0, offset: 1 },
        }),
      );
    });
  });
});

describe('KTable.filterNot', () => {
  const oddTable: Build = (b) =>
    b
      .table<string, number>('in', { keySerde: S, valueSerde: I })
      .filterNot((_k, v) => v % 2 === 0)
      .toStream()
      .to('out', { keySerde: S, valueSerde: I });

  it('should forward rows for which the predicate does not hold', () => {
    const { input, output } = driverFor(oddTable);
    input.pipeInput('a', 1);
    input.pipeInput('b', 2);
    input.pipeInput('c', 3);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 1 },
      { key: 'b', value: null },
      { key: 'c', value: 3 },
    ]);
  });

  it('should delete downstream a row that starts matching the predicate, and forward its tombstone too', () => {
    const { input, output } = driverFor(oddTable);
    input.pipeInput('a', 1);
    input.pipeInput('a', 2);
    input.pipeInput('a', tombstone);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 1 },
      { key: 'a', value: null },
      { key: 'a', value: null },
    ]);
  });

  it('should forward nothing for the delete of a row that was always filtered out, when the source table is materialized', () => {
    const { input, output } = driverFor((b) =>
      b
        .table<string, number>('in', { keySerde: S, valueSerde: I }, { storeName: 'rows' })
        .filterNot((_k, v) => v % 2 === 0)
        .toStream()
        .to('out', { keySerde: S, valueSerde: I }),
    );
    input.pipeInput('b', 2);
    input.pipeInput('b', tombstone);
    expect(output.isEmpty()).to.equal(true);
  });
});
