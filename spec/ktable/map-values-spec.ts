import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, ProcessingException, type KTable } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();
const I = Serdes.Int();
const tombstone = null as unknown as number;

function driverFor(build: (table: KTable<string, number>) => KTable<string, string>, config: Record<string, unknown> = {}) {
  const builder = new StreamsBuilder();
  build(builder.table<string, number>('in', { keySerde: S, valueSerde: I }))
    .toStream()
    .to('out', { keySerde: S, valueSerde: S });
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', logger: consoleLogger('nothing'), ...config }, 0);
  return { driver, input: driver.createInputTopic('in', S, I), output: driver.createOutputTopic('out', S, S) };
}

describe('KTable.mapValues', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should map the value of every update, keeping the key', () => {
    const { input, output } = driverFor((t) => t.mapValues((v) => `#${v}`));
    input.pipeInput('a', 1);
    input.pipeInput('a', 2);
    input.pipeInput('b', 3);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: '#1' },
      { key: 'a', value: '#2' },
      { key: 'b', value: '#3' },
    ]);
  });

  it('should pass the key to the mapper', () => {
    const { input, output } = driverFor((t) => t.mapValues((v, k) => `${k}=${v}`));
    input.pipeInput('a', 1);
    expect(output.readKeyValue()).to.deep.equal({ key: 'a', value: 'a=1' });
  });

  it('should forward a delete as a delete without calling the mapper', () => {
    const seen: (number | null)[] = [];
    const { input, output } = driverFor((t) =>
      t.mapValues((v) => {
        seen.push(v);
        return `#${v}`;
      }),
    );
    input.pipeInput('a', 1);
    input.pipeInput('a', tombstone);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: '#1' },
      { key: 'a', value: null },
    ]);
    expect(seen).to.not.include(null);
  });

  it('should keep the mapped values in its store when materialized, and drop deleted keys', () => {
    const { driver, input } = driverFor((t) => t.mapValues((v) => `#${v}`, { storeName: 'labels', valueSerde: S }));
    input.pipeInput('a', 1);
    input.pipeInput('b', 2);
    input.pipeInput('a', 5);
    input.pipeInput('b', tombstone);
    expect(driver.getKeyValueStore<string, string>('labels').all()).to.deep.equal([{ key: 'a', value: '#5' }]);
  });

  it('should compose with filter: a filtered-out row arrives as a delete', () => {
    const { input, output } = driverFor((t) => t.filter((_k, v) => v > 0).mapValues((v) => `+${v}`));
    input.pipeInput('a', 1);
    input.pipeInput('a', -1);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: '+1' },
      { key: 'a', value: null },
    ]);
  });

  it('should fail naming the processor and the record when the mapper throws', () => {
    const { input } = driverFor((t) =>
      t.mapValues((v) => {
        if (v < 0) throw new Error('negative');
        return String(v);
      }),
    );
    input.pipeInput('a', 1);
    expect(() => input.pipeInput('a', -1))
      .to.throw(ProcessingException)
      .with.property(
        'message',
        'Processor KTABLE-MAPVALUES-0000000003 failed: negative (at task 0_0, processor KTABLE-MAPVALUES-0000000003, topic in partition 0 offset 1)',
      );
  });

  it("should skip the record when the mapper throws under 'log-and-continue'", () => {
    const { input, output } = driverFor(
      (t) =>
        t.mapValues((v) => {
          if (v < 0) throw new Error('negative');
          return String(v);
        }),
      { processingExceptionHandler: 'log-and-continue' },
    );
    input.pipeInput('a', -1);
    input.pipeInput('b', 2);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'b', value: '2' }]);
  });

  it('should map updates as they arrive (marbles)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .table<string, number>('in')
        .mapValues((v) => v * 10)
        .toStream()
        .to('out');
      const input = cold('  a--b--c|', { a: { key: 'k', value: 1 }, b: { key: 'k', value: 2 }, c: { key: 'k', value: null } });
      const expected = '    x--y--z|';
      expectObservable(runTopology(builder.build(), { in: input }).output('out')).toBe(expected, {
        x: { key: 'k', value: 10 },
        y: { key: 'k', value: 20 },
        z: { key: 'k', value: null },
      });
    });
  });
});
