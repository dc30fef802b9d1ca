// The same program in CommonJS.
const { StreamsBuilder, Serdes } = require('rx-kafka-streams');
const { TopologyTestDriver } = require('rx-kafka-streams/testing');

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
