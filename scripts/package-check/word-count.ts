// The same program in strict TypeScript (NodeNext, exactOptionalPropertyTypes), compiled by tsc.
import { StreamsBuilder, Serdes, type KeyValue, type KTable } from 'rx-kafka-streams';
import { TopologyTestDriver } from 'rx-kafka-streams/testing';

const builder = new StreamsBuilder();
const counts: KTable<string, number> = builder
  .stream('lines', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
  .flatMapValues((line) => line.split(' '))
  .groupBy((_key, word) => word, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
  .count();
counts.toStream().to('counts', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });

const driver = new TopologyTestDriver(builder.build());
driver.createInputTopic('lines', Serdes.String(), Serdes.String()).pipeInput('l1', 'a b a');
const out: KeyValue<string, number>[] = driver.createOutputTopic('counts', Serdes.String(), Serdes.Int()).readKeyValuesToList();
driver.close();
console.log(JSON.stringify(out));
