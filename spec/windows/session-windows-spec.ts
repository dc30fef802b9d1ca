import { expect } from 'chai';
import { Serdes, SessionWindows, StreamsBuilder, Suppressed, consoleLogger, type KTable, type Windowed } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();
const describeKey = (key: Windowed<string>) => `${key.key}@[${key.window.start},${key.window.end}]`;

function sessions(windows: SessionWindows, build: (table: KTable<Windowed<string>, number>) => KTable<Windowed<string>, number> = (t) => t) {
  const builder = new StreamsBuilder();
  build(builder.stream<string, string>('clicks', { keySerde: str, valueSerde: str }).groupByKey().windowedBy(windows).count({ storeName: 'sessions' }))
    .toStream()
    .map((key, count) => ({ key: describeKey(key), value: count === null ? 'deleted' : String(count) }))
    .to('out', { keySerde: str, valueSerde: str });
  const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
  return { driver, input: driver.createInputTopic('clicks', str, str), output: driver.createOutputTopic('out', str, str) };
}

describe('SessionWindows', () => {
  it('extends a session with records within the gap, deleting the session it replaces', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 3);
    input.pipeInput('k', 'c', 20);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[0,0]', value: '1' },
      { key: 'k@[0,0]', value: 'deleted' },
      { key: 'k@[0,3]', value: '2' },
      { key: 'k@[20,20]', value: '1' },
    ]);
  });

  it('merges the two sessions a record bridges', () => {
    // Grace keeps [0,0] in the store's retention (gap + grace) when the bridging record comes.
    const { input, output, driver } = sessions(SessionWindows.ofInactivityGapAndGrace(5, 10));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 10);
    input.pipeInput('k', 'bridge', 5);
    expect(output.readKeyValuesToList().slice(2)).to.deep.equal([
      { key: 'k@[0,0]', value: 'deleted' },
      { key: 'k@[10,10]', value: 'deleted' },
      { key: 'k@[0,10]', value: '3' },
    ]);
    const store = driver.getKeyValueStore<Windowed<string>, number>('sessions');
    expect(store.all().map((e) => [describeKey(e.key), e.value])).to.deep.equal([['k@[0,10]', 3]]);
  });

  it('starts a new session for a record next to a closed session, which the store no longer shows (R10)', () => {
    // Kafka Streams 4.1.2: the session store returns sessions ending after its latest session end
    // minus retention (gap + grace), so [1000,1000] is gone by stream time 10000 and the record
    // at 5500 (not late itself: 5500 >= 10000 - 5000) starts a session of its own.
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5000));
    input.pipeInput('a', 'x', 1000);
    input.pipeInput('b', 'x', 10000);
    input.pipeInput('a', 'x', 5500);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a@[1000,1000]', value: '1' },
      { key: 'b@[10000,10000]', value: '1' },
      { key: 'a@[5500,5500]', value: '1' },
    ]);
  });

  it('counts a record with a null value: only null keys are skipped (R3)', () => {
    // Kafka Streams 4.1.2's KStreamSessionWindowAggregate skips null keys only.
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5000));
    input.pipeInput('a', '1', 1000);
    input.pipeInput('a', null as unknown as string, 2000);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['a@[1000,1000]', '1', 1000],
      ['a@[1000,1000]', 'deleted', 1000],
      ['a@[1000,2000]', '2', 2000],
    ]);
  });

  it('replaces a one-record session by a record at the same time, with no tombstone in between', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 0);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[0,0]', value: '1' },
      { key: 'k@[0,0]', value: '2' },
    ]);
  });

  it('drops a record whose session closed, and takes it within the grace period', () => {
    const strict = sessions(SessionWindows.ofInactivityGapWithNoGrace(5));
    strict.input.pipeInput('k', 'a', 20);
    strict.input.pipeInput('k', 'late', 10);
    expect(strict.output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[20,20]', value: '1' }]);
    const lenient = sessions(SessionWindows.ofInactivityGapAndGrace(5, 10));
    lenient.input.pipeInput('k', 'a', 20);
    lenient.input.pipeInput('k', 'in grace', 10);
    expect(lenient.output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[20,20]', value: '1' },
      { key: 'k@[10,10]', value: '1' },
    ]);
  });

  it('keeps sessions of different keys apart', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5));
    input.pipeInput('a', 'x', 0);
    input.pipeInput('b', 'x', 1);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a@[0,0]', value: '1' },
      { key: 'b@[1,1]', value: '1' },
    ]);
  });

  it('aggregates with a session merger and reduces', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('clicks', { keySerde: str, valueSerde: str }).groupByKey();
    grouped
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 10))
      .aggregate(
        () => '',
        (_k, v, agg) => agg + v,
        (_k, a, b) => a + b,
      )
      .toStream()
      .map((key, text) => ({ key: describeKey(key), value: text ?? 'deleted' }))
      .to('texts', { keySerde: str, valueSerde: str });
    grouped
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 10))
      .reduce((a, b) => `${a},${b}`)
      .toStream()
      .map((key, text) => ({ key: describeKey(key), value: text ?? 'deleted' }))
      .to('reduced', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'c', 10);
    input.pipeInput('k', 'b', 5);
    expect(driver.createOutputTopic('texts', str, str).readValuesToList().at(-1)).to.equal('acb');
    expect(driver.createOutputTopic('reduced', str, str).readValuesToList().at(-1)).to.equal('a,c,b');
  });

  it('emits each session once it can no longer grow, under suppress(untilWindowCloses)', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(5), (t) => t.suppress(Suppressed.untilWindowCloses()));
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'b', 3);
    input.pipeInput('k', 'c', 7);
    expect(output.readKeyValuesToList(), 'session [0,3] could still grow until stream time 8').to.deep.equal([]);
    input.pipeInput('k', 'd', 20);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[0,7]', value: '3' }]);
  });

  it("writes keys as Kafka Streams' SessionWindowedSerde: key, 8-byte end, 8-byte start", () => {
    const serde = Serdes.SessionWindowed(str);
    const bytes = serde.serialize('t', { key: 'k', window: { start: 1, end: 2 } })!;
    expect(bytes.toString('hex')).to.equal('6b' + '0000000000000002' + '0000000000000001');
    expect(serde.deserialize('t', bytes)).to.deep.equal({ key: 'k', window: { start: 1, end: 2 } });
  });
});
