import { stopKafkaIfStartedHere } from './kafka-broker.ts';

// Mocha global fixture: the broker started by the first integration spec is stopped at the end.
export async function mochaGlobalTeardown(): Promise<void> {
  await stopKafkaIfStartedHere();
}
