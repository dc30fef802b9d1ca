import { expect } from 'chai';
import { createRequire } from 'node:module';
import { resendingEndTxn } from '../../lib/kafka/end-transaction-resend.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';

// kafkajs' own transaction manager (the stock module, not the private copy), with a fake cluster
// whose transaction coordinator fails as a restarting broker does.
const require = createRequire(import.meta.url);
const stockEosManager = require('kafkajs/src/producer/eosManager/index.js') as Parameters<typeof resendingEndTxn>[0];
const kafkajsErrors = require('kafkajs/src/errors.js') as Record<string, new (...args: unknown[]) => Error>;
const protocol = require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; code: number }[]; createErrorFromCode(code: number): Error };
const protocolError = (type: string) =>
  new kafkajsErrors.KafkaJSProtocolError!(protocol.createErrorFromCode(protocol.errorCodes.find((e) => e.type === type)!.code));
const refused = () => new kafkajsErrors.KafkaJSConnectionError!('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' });

interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(topics: { topic: string; partitions: { partition: number }[] }[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isInTransaction(): boolean;
}

/** A cluster whose EndTxn requests fail as `script` says, in turn, then succeed; `failLookups` fails the next coordinator lookups. */
function cluster(script: { endTxnFailures?: (() => Error)[] }) {
  const calls = { finds: 0, endTxns: [] as boolean[] };
  const findFailures: (() => Error)[] = [];
  const endTxnFailures = [...(script.endTxnFailures ?? [])];
  const coordinator = {
    initProducerId: async () => ({ producerId: 7, producerEpoch: 0 }),
    addPartitionsToTxn: async () => ({}),
    addOffsetsToTxn: async () => ({}),
    endTxn: async ({ transactionResult }: { transactionResult: boolean }) => {
      calls.endTxns.push(transactionResult);
      const failure = endTxnFailures.shift();
      if (failure) throw failure();
      return {};
    },
  };
  return {
    calls,
    failLookups: (count: number, failure: () => Error) => findFailures.push(...Array.from({ length: count }, () => failure)),
    cluster: {
      retry: { retries: 0 },
      refreshMetadataIfNecessary: async () => {},
      findControllerBroker: async () => coordinator,
      findGroupCoordinator: async () => {
        calls.finds++;
        const failure = findFailures.shift();
        if (failure) throw failure();
        return coordinator;
      },
    },
  };
}

const logger = { debug() {}, info() {}, warn() {}, error() {}, namespace: () => logger };

async function inTransaction(create: typeof stockEosManager, fake: ReturnType<typeof cluster>, transactionTimeout = 60_000): Promise<EosManager> {
  const manager = create({ logger, cluster: fake.cluster, transactional: true, transactionalId: 'shop-1_2', transactionTimeout } as never) as EosManager;
  await manager.initProducerId();
  manager.beginTransaction();
  await manager.addPartitionsToTransaction([{ topic: 'item-quantity', partitions: [{ partition: 2 }] }]);
  return manager;
}

describe('EndTxn sent again while the transaction coordinator is away (kafkajs transaction manager)', () => {
  const resending = resendingEndTxn(stockEosManager, 5);

  it("stock kafkajs stays in COMMITTING after a failed EndTxn: the state the private copy's manager never gets stuck in", async () => {
    const fake = cluster({ endTxnFailures: [refused] });
    const manager = await inTransaction(stockEosManager, fake);
    await manager.commit().then(
      () => expect.fail('commit succeeded'),
      (error: Error) => expect(error.message).to.match(/ECONNREFUSED/),
    );
    expect(() => manager.beginTransaction()).to.throw(/Transaction state exception: .*"COMMITTING"/);
  });

  it('sends EndTxn again after a connection lost in flight, and the producer can begin its next transaction', async () => {
    const fake = cluster({ endTxnFailures: [refused, refused, () => protocolError('NOT_COORDINATOR_FOR_GROUP')] });
    const manager = await inTransaction(resending, fake);
    await manager.commit();
    expect(fake.calls.endTxns).to.deep.equal([true, true, true, true]);
    manager.beginTransaction();
    expect(manager.isInTransaction()).to.equal(true);
  });

  it('looks the coordinator up again when it cannot be found just before EndTxn', async () => {
    const fake = cluster({});
    const manager = await inTransaction(resending, fake);
    // The broker has just stopped: the next two lookups find no coordinator.
    fake.failLookups(2, () => new kafkajsErrors.KafkaJSGroupCoordinatorNotFound!('Failed to find group coordinator'));
    await manager.commit();
    expect(fake.calls.endTxns).to.deep.equal([true]);
    manager.beginTransaction();
  });

  it('resends an abort too, and a CONCURRENT_TRANSACTIONS answer', async () => {
    const fake = cluster({ endTxnFailures: [refused, () => protocolError('CONCURRENT_TRANSACTIONS')] });
    const manager = await inTransaction(resending, fake);
    await manager.abort();
    expect(fake.calls.endTxns).to.deep.equal([false, false, false]);
    manager.beginTransaction();
  });

  it('does not resend what the coordinator refused (a fenced producer): the error goes on at once', async () => {
    const fake = cluster({ endTxnFailures: [() => protocolError('INVALID_PRODUCER_EPOCH')] });
    const manager = await inTransaction(resending, fake);
    await manager.commit().then(
      () => expect.fail('commit succeeded'),
      (error: { type?: string }) => expect(error.type).to.equal('INVALID_PRODUCER_EPOCH'),
    );
    expect(fake.calls.endTxns).to.have.length(1);
  });

  it('gives up once the transaction timeout has gone by, with the last error', async () => {
    const fake = cluster({ endTxnFailures: Array.from({ length: 1000 }, () => refused) });
    const manager = await inTransaction(resending, fake, 40);
    await manager.commit().then(
      () => expect.fail('commit succeeded'),
      (error: Error) => expect(error.message).to.match(/ECONNREFUSED/),
    );
    expect(fake.calls.endTxns.length).to.be.within(2, 9);
  });

  it('is how the private kafkajs copy ends transactions', async () => {
    const copy = privateKafkajs().module('kafkajs/src/producer/eosManager/index.js') as typeof stockEosManager;
    const fake = cluster({ endTxnFailures: [refused] });
    const manager = await inTransaction(copy, fake);
    await manager.commit(); // resent after END_TXN_RESEND_BACKOFF_MS
    expect(fake.calls.endTxns).to.deep.equal([true, true]);
  });
});
