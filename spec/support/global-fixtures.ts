import { stopKafkaIfStartedHere } from './kafka-broker.ts';
import { openTimers, trackTimers } from './open-timers.ts';

trackTimers();

// How long the run may go on after the last spec: mocha exits when nothing is left open.
const EXIT_WAIT_MS = 60_000;

// Mocha global fixture: the broker started by the first integration spec is stopped at the end.
// A spec that leaves a client, socket or timer open keeps mocha from exiting; rather than hang
// until CI's time runs out, the run then fails, naming what is still open.
export async function mochaGlobalTeardown(): Promise<void> {
  await stopKafkaIfStartedHere();
  const timer = setTimeout(() => {
    console.error(`The specs passed or failed, but the process is still alive ${EXIT_WAIT_MS / 1000} s after the last one. Still open:`);
    console.error(`  ${process.getActiveResourcesInfo().join(', ')}`);
    for (const timer of openTimers()) console.error(`  ${timer}`);
    // Mocha sets the exit code to its failure count on exit; this listener, added after its own, has the last word.
    process.on('exit', () => (process.exitCode = 1));
    process.exit(1);
  }, EXIT_WAIT_MS);
  // Fires only if something else keeps the process alive.
  timer.unref();
}
