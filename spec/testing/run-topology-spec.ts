import { expect } from 'chai';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, InvalidStateStoreException, ProcessingException, StreamsException, consoleLogger, type Topology } from '../../lib/index.ts';
import { runTopology } from '../../lib/testing/index.ts';

/** in -> mapValues(upper-case) -> out */
function upper(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in')
    .mapValues((v) => v.toUpperCase())
    .to('out');
  return builder.build();
}

/** left and right merged -> out */
function merged(): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('left').merge(builder.stream<string, string>('right')).to('out');
  return builder.build();
}

/** in (key -> word) -> count per word (through a repartition topic) -> counts */
function wordCount(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in')
    .selectKey((_k, word) => word)
    .groupByKey()
    .count({ storeName: 'counts' })
    .toStream()
    .to('counts');
  return builder.build();
}

describe('runTopology', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should process records as they arrive and complete when the input completes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a--b-|', { a: { key: 'k', value: 'x' }, b: { key: 'k', value: 'y' } });
      const expected = '    -A--B-|';
      expectObservable(runTopology(upper(), { in: input }).output('out')).toBe(expected, { A: { key: 'k', value: 'X' }, B: { key: 'k', value: 'Y' } });
    });
  });

  it('should complete outputs only when every input has completed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const left = cold('   -a|', { a: { key: 'l', value: 'a' } });
      const right = cold('  ---b----|', { b: { key: 'r', value: 'b' } });
      const expected = '    -a-b----|';
      expectObservable(runTopology(merged(), { left, right }).output('out')).toBe(expected, { a: { key: 'l', value: 'a' }, b: { key: 'r', value: 'b' } });
    });
  });

  it('should not complete while an input is still open', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const left = cold('   -a|', { a: { key: 'l', value: 'a' } });
      const right = cold('  ---b--', { b: { key: 'r', value: 'b' } });
      const expected = '    -a-b--';
      expectObservable(runTopology(merged(), { left, right }).output('out')).toBe(expected, { a: { key: 'l', value: 'a' }, b: { key: 'r', value: 'b' } });
    });
  });

  it("should stamp records with the scheduler's now() unless they carry a timestamp", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a 98ms b-|', { a: { key: 'k', value: 'x' }, b: { key: 'k', value: 'y', timestamp: 5 } });
      const expected = '    -A 98ms B-|';
      expectObservable(runTopology(upper(), { in: input }).records('out')).toBe(expected, {
        A: { topic: 'out', key: 'k', value: 'X', timestamp: 1, headers: {} },
        B: { topic: 'out', key: 'k', value: 'Y', timestamp: 5, headers: {} },
      });
    });
  });

  it('should carry headers through to records()', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  a|', { a: { key: 'k', value: 'x', timestamp: 9, headers: { trace: 't-1' } } });
      expectObservable(runTopology(upper(), { in: input }).records('out')).toBe('a|', {
        a: { topic: 'out', key: 'k', value: 'X', timestamp: 9, headers: { trace: 't-1' } },
      });
    });
  });

  it('should route records through repartition topics within the same frame', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-b-c|', { a: { key: '1', value: 'kafka' }, b: { key: '2', value: 'rx' }, c: { key: '3', value: 'kafka' } });
      const expected = '    -x-y-z|';
      expectObservable(runTopology(wordCount(), { in: input }).output('counts')).toBe(expected, {
        x: { key: 'kafka', value: 1 },
        y: { key: 'rx', value: 1 },
        z: { key: 'kafka', value: 2 },
      });
    });
  });

  it('should leave store(name) readable after the run', () => {
    let run!: ReturnType<typeof runTopology>;
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-b-c|', { a: { key: '1', value: 'kafka' }, b: { key: '2', value: 'rx' }, c: { key: '3', value: 'kafka' } });
      run = runTopology(wordCount(), { in: input });
      expectObservable(run.output('counts')).toBe('-x-y-z|', {
        x: { key: 'kafka', value: 1 },
        y: { key: 'rx', value: 1 },
        z: { key: 'kafka', value: 2 },
      });
    });
    const counts = run.store<string, number>('counts');
    expect(counts.get('kafka')).to.equal(2);
    expect(counts.all()).to.deep.equal([
      { key: 'kafka', value: 2 },
      { key: 'rx', value: 1 },
    ]);
    expect(counts.approximateNumEntries()).to.equal(2);
  });

  it('should show the store as it is at each moment of the run', () => {
    const seen: (number | undefined)[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-b|', { a: { key: '1', value: 'kafka' }, b: { key: '2', value: 'kafka' } });
      const run = runTopology(wordCount(), { in: input });
      const counts = run.store<string, number>('counts');
      run.output('counts').subscribe(() => seen.push(counts.get('kafka')));
      expectObservable(run.output('counts')).toBe('-x-y|', { x: { key: 'kafka', value: 1 }, y: { key: 'kafka', value: 2 } });
    });
    expect(seen).to.deep.equal([1, 2]);
  });

  it('should refuse an unknown store, listing the stores the topology has', () => {
    const run = runTopology(wordCount(), { in: of() });
    expect(() => run.store('count'))
      .to.throw(InvalidStateStoreException)
      .with.property('message', 'No state store named count; the topology has [counts]');
  });

  it('should refuse an input for a topic the topology does not read', () => {
    expect(() => runTopology(upper(), { in: of(), orders: of() }))
      .to.throw(StreamsException)
      .with.property('message', 'runTopology: the topology does not read topic orders; it reads [in]');
  });

  it('should error its outputs when the topology fails, naming the processor and the record', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('in')
        .mapValues((v) => {
          if (v === 'boom') throw new Error('exploded');
          return v;
        })
        .to('out');
      const input = cold('  -a-b-c|', { a: { key: 'k', value: 'ok' }, b: { key: 'k', value: 'boom' }, c: { key: 'k', value: 'late' } });
      const expected = '    -a-#';
      expectObservable(runTopology(builder.build(), { in: input }, { logger: consoleLogger('nothing') }).output('out')).toBe(
        expected,
        { a: { key: 'k', value: 'ok' } },
        new ProcessingException('Processor KSTREAM-MAPVALUES-0000000001 failed: exploded', {
          location: { taskId: '0_0', nodeName: 'KSTREAM-MAPVALUES-0000000001', topic: 'in', partition: 0, offset: 1 },
        }),
      );
    });
  });

  it('should keep the stores readable after a failed run, as they were at the failure', () => {
    let run!: ReturnType<typeof runTopology>;
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('in')
        .groupByKey()
        .count({ storeName: 'counts' })
        .toStream()
        .mapValues((n) => {
          if (n !== null && n > 1) throw new Error('too many');
          return n;
        })
        .to('out');
      const input = cold('  -a-b-a|', { a: { key: 'x', value: '' }, b: { key: 'y', value: '' } });
      run = runTopology(builder.build(), { in: input }, { logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(
        '-a-b-#',
        { a: { key: 'x', value: 1 }, b: { key: 'y', value: 1 } },
        new ProcessingException('Processor KSTREAM-MAPVALUES-0000000003 failed: too many', {
          location: { taskId: '0_0', nodeName: 'KSTREAM-MAPVALUES-0000000003', topic: 'in', partition: 0, offset: 2 },
        }),
      );
    });
    expect(run.store('counts').all()).to.deep.equal([
      { key: 'x', value: 2 },
      { key: 'y', value: 1 },
    ]);
  });

  it("should skip a failed record under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('in')
        .mapValues((v) => {
          if (v === 'boom') throw new Error('exploded');
          return v;
        })
        .to('out');
      const input = cold('  -a-b-c|', { a: { key: 'k', value: 'ok' }, b: { key: 'k', value: 'boom' }, c: { key: 'k', value: 'late' } });
      const expected = '    -a---c|';
      const options = { processingExceptionHandler: 'log-and-continue' as const, logger: consoleLogger('nothing') };
      expectObservable(runTopology(builder.build(), { in: input }, options).output('out')).toBe(expected, {
        a: { key: 'k', value: 'ok' },
        c: { key: 'k', value: 'late' },
      });
    });
  });

  it('should pass an input error on to every output', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-#', { a: { key: 'k', value: 'x' } }, new Error('input broke'));
      expectObservable(runTopology(upper(), { in: input }).output('out')).toBe('-A-#', { A: { key: 'k', value: 'X' } }, new Error('input broke'));
    });
  });

  it('should work with hot inputs, from the moment the output is subscribed', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const input = hot('   -a-^-b-c-|', { a: { key: 'k', value: 'early' }, b: { key: 'k', value: 'b' }, c: { key: 'k', value: 'c' } });
      const expected = '       --B-C-|';
      expectObservable(runTopology(upper(), { in: input }).output('out')).toBe(expected, { B: { key: 'k', value: 'B' }, C: { key: 'k', value: 'C' } });
    });
  });

  it('should share one run between all outputs', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const words = builder.stream<string, string>('in');
      words.to('copy-1');
      words.to('copy-2');
      const input = cold('  -a|', { a: { key: 'k', value: 'x' } });
      const run = runTopology(builder.build(), { in: input });
      expectObservable(run.output('copy-1')).toBe('-a|', { a: { key: 'k', value: 'x' } });
      expectObservable(run.output('copy-2')).toBe('-a|', { a: { key: 'k', value: 'x' } });
    });
  });

  it('should run outside a TestScheduler on plain Observables', () => {
    const values: unknown[] = [];
    let completed = false;
    runTopology(upper(), { in: of({ key: 'k', value: 'a' }, { key: 'k', value: 'b' }) })
      .output('out')
      .subscribe({ next: (kv) => values.push(kv), complete: () => (completed = true) });
    expect(values).to.deep.equal([
      { key: 'k', value: 'A' },
      { key: 'k', value: 'B' },
    ]);
    expect(completed).to.equal(true);
  });
});
