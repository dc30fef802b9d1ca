import { consoleLogger } from '../../../lib/index.ts';
import { TopologyTestDriver } from '../../../lib/testing/index.ts';
import type { CaseResult, OutputRecord } from './case-result.ts';
import { int, str } from './catalogue/serdes.ts';
import type { ConformanceCase } from './inputs.ts';

const hex = (bytes: Buffer | Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('hex'));

/**
 * Runs a case through our TopologyTestDriver as conformance/java/ runs it through Kafka's: the
 * same application id, default serdes (String keys, Integer values) and wall clock at 0, every
 * output topic read after each input record.
 */
export function runOurs({ topology, seed, inputs }: ConformanceCase): CaseResult {
  const built = topology.build();
  const describe = built.describe().toString();
  const outputs: OutputRecord[] = [];
  let error: string | null = null;
  let step = 0;
  let driver: TopologyTestDriver | undefined;
  try {
    driver = new TopologyTestDriver(built, { applicationId: 'conformance', defaultKeySerde: str, defaultValueSerde: int, logger: consoleLogger('nothing') }, 0);
    for (const input of inputs) {
      driver.pipeSerialized(input.topic, input.key, input.value, input.timestamp, undefined);
      for (const topic of topology.outputs) {
        for (let record = driver.readOutput(topic); record !== undefined; record = driver.readOutput(topic)) {
          outputs.push({ step, topic, key: hex(record.key as Buffer | null), value: hex(record.value as Buffer | null), timestamp: record.timestamp });
        }
      }
      step++;
    }
  } catch (cause) {
    error = `at input ${step}: ${(cause as Error).message}`;
  } finally {
    driver?.close();
  }
  return { topology: topology.name, seed, describe, error, outputs };
}
