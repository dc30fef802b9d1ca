import { expect } from 'chai';
import { Serdes, StreamsBuilder, consoleLogger, type StreamsConfig } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();
interface Event {
  at: number;
}

describe('Record timestamps', () => {
  function driverWith(config: Partial<StreamsConfig>, partitionTimes?: number[]) {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Event>('events', {
        keySerde: str,
        valueSerde: Serdes.Json<Event>(),
        timestampExtractor: (record, partitionTime) => {
          partitionTimes?.push(partitionTime);
          return record.value.at;
        },
      })
      .to('out', { keySerde: str, valueSerde: Serdes.Json<Event>() });
    const driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing'), ...config }, 0);
    return { driver, input: driver.createInputTopic('events', str, Serdes.Json<Event>()), output: driver.createOutputTopic('out', str, Serdes.Json<Event>()) };
  }

  it('come from the timestampExtractor, which is given the partition time so far', () => {
    const seen: number[] = [];
    const { input, output } = driverWith({}, seen);
    input.pipeInput('a', { at: 50 }, 1);
    input.pipeInput('b', { at: 20 }, 2);
    expect(output.readRecordsToList().map((r) => r.timestamp)).to.deep.equal([50, 20]);
    expect(seen).to.deep.equal([-1, 50]);
  });

  it('fail the task on a negative timestamp by default, naming the record and the way out', () => {
    const { input } = driverWith({});
    expect(() => input.pipeInput('a', { at: -5 }, 1)).to.throw(
      /invalid timestamp -5.*'log-and-skip' or 'use-partition-time'.*topic events partition 0 offset 0/,
    );
  });

  it("skip a record with a negative timestamp under 'log-and-skip'", () => {
    const { input, output } = driverWith({ invalidTimestamp: 'log-and-skip' });
    input.pipeInput('a', { at: -5 }, 1);
    input.pipeInput('b', { at: 7 }, 1);
    expect(output.readKeyValuesToList().map((r) => r.key)).to.deep.equal(['b']);
  });

  it("take the partition time under 'use-partition-time', and fail when there is none yet", () => {
    const { input, output } = driverWith({ invalidTimestamp: 'use-partition-time' });
    input.pipeInput('a', { at: 30 }, 1);
    input.pipeInput('b', { at: -1 }, 1);
    expect(output.readRecordsToList().map((r) => [r.key, r.timestamp])).to.deep.equal([
      ['a', 30],
      ['b', 30],
    ]);
    const fresh = driverWith({ invalidTimestamp: 'use-partition-time' });
    expect(() => fresh.input.pipeInput('a', { at: -1 }, 1)).to.throw(/no partition time is known yet/);
  });
});
