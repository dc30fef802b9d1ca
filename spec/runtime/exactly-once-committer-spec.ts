import { expect } from 'chai';
import type { Kafka, ProducerConfig } from 'kafkajs';
import { ExactlyOnceCommitter } from '../../lib/runtime/exactly-once-committer.ts';
import type { RuntimeTask } from '../../lib/runtime/runtime-task.ts';

/** A Kafka client whose producers only record the config they were made with. */
function recordingKafka() {
  const configs: ProducerConfig[] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      configs.push(config);
      return {
        connect: async () => {},
        disconnect: async () => {},
        transaction: async () => ({ abort: async () => {} }),
      };
    },
  } as unknown as Kafka;
  return { kafka, configs };
}

describe('ExactlyOnceCommitter', () => {
  it("makes each task's transactional producer with the app's producer settings, but its own transactional id and idempotence", async () => {
    const { kafka, configs } = recordingKafka();
    const committer = new ExactlyOnceCommitter(
      kafka,
      'shop',
      { persisted: () => {}, persistFailed: () => {} },
      {
        transactionTimeout: 10_000,
        retry: { retries: 3 },
        idempotent: false,
        maxInFlightRequests: 5,
        transactionalId: 'mine',
      },
    );
    await committer.taskCreated({ id: '0_1' } as RuntimeTask);
    expect(configs).to.have.length(1);
    const config = configs[0]!;
    expect(config.transactionTimeout).to.equal(10_000);
    expect(config.retry).to.deep.equal({ retries: 3 });
    expect(config.transactionalId).to.equal('shop-0_1');
    expect(config.idempotent).to.equal(true);
    expect(config.maxInFlightRequests).to.equal(1);
  });
});
