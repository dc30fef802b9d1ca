import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';
import { WINDOW_MS, buildWordCountTopology } from '../../samples/wordcount/topology.ts';

describe('samples/wordcount: a windowed word count with suppress', () => {
  it('emits one final count per word and window, only once stream time passes the window end', () => {
    const driver = new TopologyTestDriver(buildWordCountTopology());
    const lines = driver.createInputTopic('text-lines', Serdes.String(), Serdes.String());
    const counts = driver.createOutputTopic('windowed-word-counts', Serdes.String(), Serdes.Int());
    lines.pipeInput('1', 'Kafka streams, Kafka tables', 1_000);
    lines.pipeInput('2', 'streams of streams', 9_000);
    expect(counts.isEmpty(), 'nothing before the window closes').to.equal(true);
    lines.pipeInput('3', 'kafka', WINDOW_MS + 500);
    expect(counts.readKeyValuesToList()).to.have.deep.members([
      { key: 'kafka@0', value: 2 },
      { key: 'streams@0', value: 3 },
      { key: 'tables@0', value: 1 },
      { key: 'of@0', value: 1 },
    ]);
    lines.pipeInput('4', 'later', 3 * WINDOW_MS);
    expect(counts.readKeyValuesToList()).to.deep.equal([{ key: 'kafka@10000', value: 1 }]);
    driver.close();
  });
});
