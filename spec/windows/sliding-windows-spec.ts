import { expect } from 'chai';
import { Serdes, SlidingWindows, StreamsBuilder, consoleLogger } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();

function slidingSums(windows: SlidingWindows) {
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('values', { keySerde: str, valueSerde: Serdes.Int() })
    .groupByKey()
    .windowedBy(windows)
    .reduce((a, b) => a + b, { storeName: 'sums' })
    .toStream()
    .map((key, sum) => ({ key: `${key.key}@[${key.window.start},${key.window.end}]`, value: sum }))
    .to('out', { keySerde: str, valueSerde: Serdes.Int() });
  const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
  return { driver, input: driver.createInputTopic('values', str, Serdes.Int()), output: driver.createOutputTopic('out', str, Serdes.Int()) };
}

describe('SlidingWindows', () => {
  it('aggregates each distinct set of records within the time difference: a window ending at each record, one just after it', () => {
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    input.pipeInput('k', 1, 20);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[10,20]', value: 1 }]);
    input.pipeInput('k', 2, 25);
    // As Kafka Streams: the previous record's new right window first, then the record's own left window.
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[21,31]', value: 2 },
      { key: 'k@[15,25]', value: 3 },
    ]);
    input.pipeInput('k', 4, 40);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[30,40]', value: 4 }]);
  });

  it('updates every existing window an out-of-order record falls in, latest first, then creates its own', () => {
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceAndGrace(10, 20));
    input.pipeInput('k', 1, 20);
    input.pipeInput('k', 2, 25);
    output.readKeyValuesToList();
    input.pipeInput('k', 10, 22);
    // Kafka Streams 4.1.2's TopologyTestDriver gives these, in this order, with these timestamps.
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['k@[21,31]', 12, 25],
      ['k@[15,25]', 13, 25],
      ['k@[12,22]', 11, 22],
      ['k@[23,33]', 2, 25],
    ]);
  });

  it("stamps an update with the window's latest record time, and emits the previous record's right window first (R9 a, b)", () => {
    // The SlidingWindows Javadoc case (difference 5 s) through Kafka Streams 4.1.2's TopologyTestDriver.
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceWithNoGrace(5000));
    const read = () => output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`);
    input.pipeInput('A', 1, 8000);
    expect(read()).to.deep.equal(['A@[3000,8000]=1@8000']);
    input.pipeInput('A', 2, 9200);
    expect(read()).to.deep.equal(['A@[8001,13001]=2@9200', 'A@[4200,9200]=3@9200']);
    input.pipeInput('A', 3, 12400);
    expect(read()).to.deep.equal(['A@[8001,13001]=5@12400', 'A@[9201,14201]=3@12400', 'A@[7400,12400]=6@12400']);
  });

  it('puts a record whose own window already closed, but which is not late enough to drop, in no window (R9 c)', () => {
    // Kafka Streams 4.1.2: at stream time 20000 (grace 2 s) a@14000 only creates windows, and its
    // left window [9000,14000] is closed; it keeps no records, so a@18500 finds nothing to add.
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceAndGrace(5000, 2000));
    input.pipeInput('z', 1, 20000);
    input.pipeInput('a', 1, 14000);
    input.pipeInput('a', 1, 18500);
    expect(output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)).to.deep.equal(['z@[15000,20000]=1@20000', 'a@[13500,18500]=1@18500']);
  });

  it('gives a record earlier than the time difference the window [0, difference], as Kafka Streams', () => {
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    input.pipeInput('k', 5, 3);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[0,10]', value: 5 }]);
  });

  it('drops a record all of whose windows have closed', () => {
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    input.pipeInput('k', 1, 100);
    input.pipeInput('k', 7, 50);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[90,100]', value: 1 }]);
  });
});
