// A marble test in a project whose rxjs is the lowest version the package claims: the app's
// TestScheduler drives the topology, so record timestamps are virtual frames.
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, type ProducedRecord } from 'rx-kafka-streams';
import { runTopology } from 'rx-kafka-streams/testing';

const builder = new StreamsBuilder();
builder
  .stream<string, string>('words')
  .mapValues((word) => word.toUpperCase())
  .to('shouted');
const topology = builder.build();

const failures: string[] = [];
const scheduler = new TestScheduler((actual, expected) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
});
scheduler.run(({ cold, expectObservable }) => {
  const words = cold('-a 98ms b|', { a: { key: 'k', value: 'hi' }, b: { key: 'k', value: 'yo' } });
  const expected: Record<string, ProducedRecord<string, string>> = {
    x: { topic: 'shouted', key: 'k', value: 'HI', timestamp: 1, headers: {} },
    y: { topic: 'shouted', key: 'k', value: 'YO', timestamp: 100, headers: {} },
  };
  expectObservable(runTopology(topology, { words }).records<string, string>('shouted')).toBe('-x 98ms y|', expected);
});
console.log(failures.length === 0 ? 'virtual' : failures.join('\n'));
