import { expect } from 'chai';
import { createRequire } from 'node:module';
import { TRANSIENT_NAMES, TRANSIENT_TYPES, isTransientError } from '../../lib/kafka/transient-errors.ts';

// Errors as kafkajs 2.2.4 makes them, from its own modules: the names and codes the runtime
// retries on must be ones kafkajs really uses, or an outage is taken for a fatal error.
const require = createRequire(import.meta.url);
const kafkajsErrors = require('kafkajs/src/errors.js') as Record<string, new (...args: unknown[]) => Error>;
const protocol = require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; code: number }[]; createErrorFromCode(code: number): Error };
const protocolError = (type: string) => {
  const { code } = protocol.errorCodes.find((known) => known.type === type)!;
  return new kafkajsErrors.KafkaJSProtocolError!(protocol.createErrorFromCode(code));
};

describe('isTransientError against kafkajs 2.2.4', () => {
  it('names only error classes kafkajs has', () => {
    const names = new Set(Object.values(kafkajsErrors).map((ErrorClass) => (typeof ErrorClass === 'function' ? safeName(ErrorClass) : undefined)));
    for (const name of TRANSIENT_NAMES) expect(names.has(name), name).to.equal(true);
  });

  it('names only protocol error types kafkajs has', () => {
    const types = new Set(protocol.errorCodes.map((known) => known.type));
    for (const type of TRANSIENT_TYPES) expect(types.has(type), type).to.equal(true);
  });

  it('takes a coordinator or leader that moved for transient, also wrapped in retries that ran out', () => {
    for (const type of [
      'GROUP_COORDINATOR_NOT_AVAILABLE',
      'NOT_COORDINATOR_FOR_GROUP',
      'GROUP_LOAD_IN_PROGRESS',
      'NOT_LEADER_FOR_PARTITION',
      'CONCURRENT_TRANSACTIONS',
    ]) {
      const error = protocolError(type);
      expect(isTransientError(error), type).to.equal(true);
      // kafkajs' retrier gives up with a non-retriable error whose cause is the last one.
      const exhausted = new kafkajsErrors.KafkaJSNumberOfRetriesExceeded!(error, { retryCount: 5, retryTime: 9000 });
      expect(isTransientError(exhausted), `${type} after retries`).to.equal(true);
    }
    expect(isTransientError(new kafkajsErrors.KafkaJSConnectionError!('Connection error: connect ECONNREFUSED'))).to.equal(true);
    expect(isTransientError(new kafkajsErrors.KafkaJSGroupCoordinatorNotFound!('Failed to find group coordinator'))).to.equal(true);
  });

  it('takes a fenced producer, a refused record or a bad transaction state for not transient', () => {
    for (const type of ['INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE', 'MESSAGE_TOO_LARGE', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'])
      expect(isTransientError(protocolError(type)), type).to.equal(false);
    expect(
      isTransientError(new kafkajsErrors.KafkaJSNonRetriableError!('Transaction state exception: Cannot call "beginTransaction" in state "COMMITTING"')),
    ).to.equal(false);
  });
});

/** The `name` an error class gives its instances (kafkajs sets it in each constructor). */
function safeName(ErrorClass: new (...args: unknown[]) => Error): string | undefined {
  try {
    return new ErrorClass('probe', {}).name;
  } catch {
    return undefined;
  }
}
