// A consumer's program in plain Node ESM: a word count run through the test driver.
import { StreamsBuilder, Serdes } from 'rx-kafka-streams';
import { TopologyTestDriver } from 'rx-kafka-streams/testing';

const builder = new StreamsBuilder();
builder
  .stream('lines', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
  .flatMapValues((line) => line.split(' '))
  .groupBy((_key, word) => word, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
  .count()
  .toStream()
  .to('counts', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });

const driver = new TopologyTestDriver(builder.build());
driver.createInputTopic('lines', Serdes.String(), Serdes.String()).pipeInput('l1', 'a b a');
const counts = driver.createOutputTopic('counts', Serdes.String(), Serdes.Int()).readKeyValuesToList();
driver.close();
console.log(JSON.stringify(counts));
