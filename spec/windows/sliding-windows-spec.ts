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
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[15,25]', value: 3 },
      { key: 'k@[21,31]', value: 2 },
    ]);
    input.pipeInput('k', 4, 40);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k@[30,40]', value: 4 }]);
  });

  it('updates every existing window an out-of-order record falls in', () => {
    const { input, output } = slidingSums(SlidingWindows.ofTimeDifferenceAndGrace(10, 20));
    input.pipeInput('k', 1, 20);
    input.pipeInput('k', 2, 25);
    output.readKeyValuesToList();
    input.pipeInput('k', 10, 22);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k@[12,22]', value: 11 },
      { key: 'k@[15,25]', value: 13 },
      { key: 'k@[21,31]', value: 12 },
      { key: 'k@[23,33]', value: 2 },
    ]);
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
