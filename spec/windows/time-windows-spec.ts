import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { BufferConfig, Serdes, SessionWindows, StreamsBuilder, Suppressed, TimeWindows, consoleLogger, metricSum, type Windowed } from '../../lib/index.ts';
import { TopologyTestDriver, runTopology } from '../../lib/testing/index.ts';

const str = Serdes.String();

describe('TimeWindows', () => {
  it('places a record in one tumbling window, or in size/advance hopping windows, aligned to the epoch', () => {
    expect(TimeWindows.ofSizeWithNoGrace(10).windowsFor(7)).to.deep.equal([{ start: 0, end: 10 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).windowsFor(10)).to.deep.equal([{ start: 10, end: 20 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(7)).to.deep.equal([
      { start: 0, end: 10 },
      { start: 5, end: 15 },
    ]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(3)).to.deep.equal([{ start: 0, end: 10 }]);
  });

  it('refuses sizes, advances and grace periods that make no sense', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).to.throw(/Window size must be a positive/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).to.throw(/Window advance must be/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).to.throw(/Grace must be/);
  });
});

describe('Serdes.Windowed', () => {
  it("writes the key's bytes then the window start as 8 bytes, as Kafka Streams' TimeWindowedSerde", () => {
    const serde = Serdes.Windowed(str, 60_000);
    const bytes = serde.serialize('t', { key: 'k', window: { start: 120_000, end: 180_000 } })!;
    expect(bytes.toString('hex')).to.equal('6b' + '000000000001d4c0');
    expect(serde.deserialize('t', bytes)).to.deep.equal({ key: 'k', window: { start: 120_000, end: 180_000 } });
  });
});

describe('KGroupedStream.windowedBy(TimeWindows)', () => {
  function windowedCount(windows: TimeWindows) {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(windows)
      .count({ storeName: 'counts' })
      .toStream()
      .map((key, count) => ({ key: `${key.key}@${key.window.start}-${key.window.end}`, value: count }))
      .to('counts', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
    return { driver, input: driver.createInputTopic('clicks', str, str), output: driver.createOutputTopic('counts', str, Serdes.Int()) };
  }

  it('counts per key and tumbling window, and drops a record for a closed window', () => {
    const { input, output, driver } = windowedCount(TimeWindows.ofSizeWithNoGrace(10));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 5);
    input.pipeInput('k', 'c', 10);
    input.pipeInput('k', 'late', 3);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@0-10', value: 1 },
      { key: 'k@0-10', value: 2 },
      { key: 'k@10-20', value: 1 },
    ]);
    expect(driver.getKeyValueStore<Windowed<string>, number>('counts').get({ key: 'k', window: { start: 10, end: 20 } })).to.equal(1);
  });

  it('lets an out-of-order record within the grace period update its window, and drops it after', () => {
    const { input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 12);
    input.pipeInput('k', 'in grace', 8);
    input.pipeInput('k', 'c', 20);
    input.pipeInput('k', 'too late', 9);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@0-10', value: 1 },
      { key: 'k@10-20', value: 1 },
      { key: 'k@0-10', value: 2 },
      { key: 'k@20-30', value: 1 },
    ]);
  });

  it('updates every hopping window a record falls in', () => {
    const { input, output } = windowedCount(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
    input.pipeInput('k', 'a', 7);
    input.pipeInput('k', 'b', 12);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@0-10', value: 1 },
      { key: 'k@5-15', value: 1 },
      { key: 'k@5-15', value: 2 },
      { key: 'k@10-20', value: 1 },
    ]);
  });

  it('aggregates and reduces per window too', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, number>('n', { keySerde: str, valueSerde: Serdes.Int() }).groupByKey();
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .reduce((a, b) => a + b)
      .toStream()
      .map((key, sum) => ({ key: `${key.key}@${key.window.start}`, value: sum }))
      .to('sums', { keySerde: str, valueSerde: Serdes.Int() });
    grouped
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .aggregate(
        () => '',
        (_k, v, agg) => agg + v,
      )
      .toStream()
      .map((key, text) => ({ key: `${key.key}@${key.window.start}`, value: text }))
      .to('texts', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('n', str, Serdes.Int());
    input.pipeInput('k', 1, 1);
    input.pipeInput('k', 2, 2);
    input.pipeInput('k', 3, 11);
    expect(driver.createOutputTopic('sums', str, Serdes.Int()).readValuesToList()).to.deep.equal([1, 3, 3]);
    expect(driver.createOutputTopic('texts', str, str).readValuesToList()).to.deep.equal(['1', '12', '3']);
  });

  it('counts a record with a null value: only null keys are skipped (R3)', () => {
    // Kafka Streams 4.1.2's KStreamWindowAggregate: a=1@1000, a=null@2000 gives a@0-10000 = 1, then 2 @2000.
    const { input, output } = windowedCount(TimeWindows.ofSizeWithNoGrace(10000));
    input.pipeInput('a', '1', 1000);
    input.pipeInput('a', null as unknown as string, 2000);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['a@0-10000', 1, 1000],
      ['a@0-10000', 2, 2000],
    ]);
  });

  it("stamps a window's update with the latest record time in it, not an older record's (R1)", () => {
    const { input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10000, 5000));
    input.pipeInput('a', 'x', 3000);
    input.pipeInput('a', 'y', 1000);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['a@0-10000', 1, 3000],
      ['a@0-10000', 2, 3000],
    ]);
  });
});

describe('KTable.suppress', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  function suppressedCounts(grace: number) {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks')
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, grace))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .map((key, count) => ({ key: `${key.key}@${key.window.start}`, value: count }))
      .to('final');
    return builder.build();
  }

  it('releases windows of one end in the order of their keys, with their latest timestamps (R8)', () => {
    // Kafka Streams 4.1.2: the suppression buffer is ordered by (window end, key bytes).
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10000, 2000))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .map((key, count) => ({ key: `${key.key}@${key.window.start}-${key.window.end}`, value: count }))
      .to('final', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
    const clicks = driver.createInputTopic('clicks', str, str);
    for (const [key, timestamp] of [
      ['b', 1000],
      ['a', 2000],
      ['c', 3000],
      ['b', 4000],
      ['z', 30000],
    ] as const)
      clicks.pipeInput(key, 'x', timestamp);
    expect(
      driver
        .createOutputTopic('final', str, Serdes.Int())
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestamp]),
    ).to.deep.equal([
      ['a@0-10000', 1, 2000],
      ['b@0-10000', 2, 4000],
      ['c@0-10000', 1, 3000],
    ]);
  });

  it('measures a time limit by the timestamps that reach the suppression, not by records dropped before it', () => {
    // Kafka Streams 4.1.2 (KTableSuppressProcessor keeps its own stream time): b's null value is
    // not counted, so it does not move the suppression's time; d at 4100 lets a (1000 + 3000) go.
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in', { keySerde: str, valueSerde: Serdes.Int() })
      .groupByKey()
      .count()
      .suppress(Suppressed.untilTimeLimit(3000))
      .toStream()
      .to('out', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
    const input = driver.createInputTopic('in', str, Serdes.Int());
    const output = driver.createOutputTopic('out', str, Serdes.Int());
    const read = () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
    input.pipeInput('a', 1, 1000);
    input.pipeInput('b', null as unknown as number, 5000);
    input.pipeInput('c', 1, 1500);
    expect(read()).to.deep.equal([]);
    input.pipeInput('d', 1, 4100);
    expect(read()).to.deep.equal([['a', 1, 1000]]);
  });

  it('emits one final count per window, once stream time passes its end (marbles)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const clicks = cold('a 2ms b 8ms c|', { a: { key: 'k', value: 'a' }, b: { key: 'k', value: 'b' }, c: { key: 'k', value: 'c' } });
      const run = runTopology(suppressedCounts(0), { clicks });
      expectObservable(run.output('final')).toBe('12ms x|', { x: { key: 'k@0', value: 2 } });
    });
  });

  it('waits for the grace period before a window is final (marbles)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const clicks = cold('a 10ms b 3ms c|', { a: { key: 'k', value: 'a' }, b: { key: 'k', value: 'b' }, c: { key: 'k', value: 'c' } });
      const run = runTopology(suppressedCounts(5), { clicks });
      expectObservable(run.output('final')).toBe('15ms x|', { x: { key: 'k@0', value: 1 } });
    });
  });

  it('emits the latest value per key once its time limit passed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.table<string, number>('levels').suppress(Suppressed.untilTimeLimit(5)).toStream().to('calm');
      const levels = cold('a b 5ms c|', { a: { key: 'k', value: 1 }, b: { key: 'k', value: 2 }, c: { key: 'j', value: 3 } });
      const run = runTopology(builder.build(), { levels });
      expectObservable(run.output('calm')).toBe('7ms x|', { x: { key: 'k', value: 2 } });
    });
  });

  it('refuses untilWindowCloses on a table that is not windowed', () => {
    const builder = new StreamsBuilder();
    expect(() => builder.table('t').suppress(Suppressed.untilWindowCloses())).to.throw(/needs a windowed table/);
  });

  it('fails the task when a bounded buffer that must not emit early is full', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.maxRecords(1)))
      .toStream()
      .to('final');
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('a', 'x', 1);
    expect(() => input.pipeInput('b', 'x', 2)).to.throw(/suppression buffer is full \(1 keys\)/);
  });
});

describe("TimeWindowedKStream.emitStrategy('on-window-close')", () => {
  it('emits one final result per window instead of every update', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 2))
      .emitStrategy('on-window-close')
      .count()
      .toStream()
      .map((key, count) => ({ key: `${key.key}@${key.window.start}`, value: count }))
      .to('final', { keySerde: str, valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('clicks', str, str);
    const output = driver.createOutputTopic('final', str, Serdes.Int());
    input.pipeInput('k', 'a', 1);
    input.pipeInput('k', 'b', 9);
    input.pipeInput('k', 'c', 11);
    expect(output.readKeyValuesToList(), 'window [0,10) open until stream time 12').to.deep.equal([]);
    input.pipeInput('k', 'd', 12);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@0', value: 2 }]);
  });
});

describe('Window and session stores', () => {
  it('read a windowed count by key and window start, and count dropped late records', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ storeName: 'counts', retentionMs: 100 });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
    const input = driver.createInputTopic('clicks', str, str);
    for (const [key, ts] of [
      ['a', 1],
      ['a', 2],
      ['b', 5],
      ['a', 12],
      ['a', 3],
    ] as const)
      input.pipeInput(key, 'x', ts);
    const store = driver.getWindowStore<string, number>('counts');
    expect(store.fetch('a', 0)).to.equal(2);
    expect(store.fetchRange('a', 0, 20).map((e) => [e.key.window.start, e.value])).to.deep.equal([
      [0, 2],
      [10, 1],
    ]);
    expect(store.fetchAll(0, 5).map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`)).to.deep.equal(['a@0=2', 'b@0=1']);
    expect(metricSum(driver.metrics(), { group: 'stream-task-metrics', name: 'dropped-records-total' })).to.equal(1);
    input.pipeInput('a', 'x', 150);
    expect(store.fetch('a', 0), 'past its retention').to.equal(undefined);
  });

  it('read sessions by key and bounds', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .count({ storeName: 's', retentionMs: 100 });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('clicks', str, str);
    for (const ts of [0, 3, 20]) input.pipeInput('a', 'x', ts);
    const sessions = driver.getSessionStore<string, number>('s');
    expect(sessions.fetch('a').map((e) => [e.key.window.start, e.key.window.end, e.value])).to.deep.equal([
      [0, 3, 2],
      [20, 20, 1],
    ]);
    expect(sessions.findSessions('a', 10, 30).map((e) => e.value)).to.deep.equal([1]);
  });
});

describe('The suppression buffer', () => {
  it('is a store of its own, so held updates are changelogged and restored with the task', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses(), 'final-counts')
      .toStream()
      .to('final');
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    driver.createInputTopic('clicks', str, str).pipeInput('k', 'x', 3);
    const held = driver.getKeyValueStore<Windowed<string>, { change: { newValue: number }; expiry: number }>('final-counts-store').all();
    expect(held.map((e) => [e.key.key, e.key.window.start, e.value.change.newValue, e.value.expiry])).to.deep.equal([['k', 0, 1, 10]]);
    driver.createInputTopic('clicks', str, str).pipeInput('k', 'x', 12);
    expect(
      driver
        .getKeyValueStore('final-counts-store')
        .all()
        .map((e) => (e.key as Windowed<string>).window.start),
    ).to.deep.equal([10]);
  });
});
