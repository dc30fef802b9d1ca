// Windowed word count with suppress on the local broker: npm run sample:wordcount
import { runSample } from '../run-sample.ts';
import { WINDOW_MS, buildWordCountTopology } from './topology.ts';

const start = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3 * WINDOW_MS;
const lines = ['Kafka Streams for TypeScript', 'streams of records', 'a table is a stream', 'windows close', 'and then they are counted'];

await runSample({
  name: 'wordcount',
  topology: buildWordCountTopology(),
  // Two lines a window; the last one's time closes the windows before it, which then print.
  inputs: [['text-lines', lines.map((line, i) => ({ key: `line-${i}`, value: line, timestamp: start + Math.floor(i / 2) * WINDOW_MS + 1000 }))]],
  output: 'windowed-word-counts',
});
