// What the samples share: a broker to run against (the local one, started if need be, unless
// KAFKA_BROKERS names one) and their topics.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';

const kafkaScript = fileURLToPath(new URL('../scripts/kafka.sh', import.meta.url));

function brokerRunning(): boolean {
  try {
    execFileSync('bash', [kafkaScript, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The brokers to use; `stop()` stops the local broker only if this call started it. */
export function useBroker(): { brokers: string[]; stop: () => void } {
  const started = !process.env.KAFKA_BROKERS && !brokerRunning();
  if (started) execFileSync('bash', [kafkaScript, 'start'], { stdio: 'inherit' });
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    stop: () => {
      if (started) execFileSync('bash', [kafkaScript, 'stop'], { stdio: 'inherit' });
    },
  };
}

/** Creates the topics that do not exist yet, each with `numPartitions`. */
export async function createMissingTopics(kafka: Kafka, topics: readonly string[], numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic)).map((topic) => ({ topic, numPartitions }));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
