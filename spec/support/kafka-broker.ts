import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));
let starting: Promise<string[]> | undefined;
let startedHere = false;

/**
 * The brokers integration specs talk to: KAFKA_BROKERS when set, else a local broker that the
 * project's script starts on first use (and `stopKafkaIfStartedHere` stops after the run).
 * Missing Java or Maven makes this fail with the script's message: integration specs never skip.
 */
export function kafkaBrokers(): Promise<string[]> {
  const configured = process.env.KAFKA_BROKERS;
  if (configured) return Promise.resolve(configured.split(',').map((broker) => broker.trim()));
  starting ??= (async () => {
    const status = await run('bash', [script, 'status']).then(
      () => 'running',
      () => 'stopped',
    );
    if (status === 'stopped') {
      try {
        await run('bash', [script, 'start'], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`Could not start the local Kafka broker with scripts/kafka.sh start:\n${stderr || stdout}`);
      }
      startedHere = true;
    }
    return ['127.0.0.1:9092'];
  })();
  return starting;
}

export async function stopKafkaIfStartedHere(): Promise<void> {
  if (!startedHere) return;
  await run('bash', [script, 'stop']);
  startedHere = false;
}
