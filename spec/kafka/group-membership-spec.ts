import { expect } from 'chai';
import { isProducerFenced, rejoinGroupError } from '../../lib/kafka/group-membership.ts';
import { kafkajs } from '../../lib/kafka/kafkajs.ts';

const { KafkaJSProtocolError } = kafkajs();

const protocolError = (type: string): Error => new KafkaJSProtocolError(Object.assign(new Error(type), { type }));

describe('Group membership', () => {
  describe('isProducerFenced', () => {
    it('recognizes the answers to a fenced producer, and one still being fenced', () => {
      for (const type of ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'CONCURRENT_TRANSACTIONS', 'UNKNOWN_SERVER_ERROR'])
        expect(isProducerFenced(protocolError(type)), type).to.equal(true);
    });

    it('looks through the causes kafkajs wraps an error in', () => {
      const wrapped = new Error('Transaction failed', { cause: new Error('retries exhausted', { cause: protocolError('INVALID_PRODUCER_EPOCH') }) });
      expect(isProducerFenced(wrapped)).to.equal(true);
    });

    it('leaves other failures to fail the instance', () => {
      expect(isProducerFenced(protocolError('TOPIC_AUTHORIZATION_FAILED'))).to.equal(false);
      expect(isProducerFenced(new Error('INVALID_PRODUCER_EPOCH'))).to.equal(false);
      expect(isProducerFenced('INVALID_PRODUCER_EPOCH')).to.equal(false);
    });
  });

  it('rejoinGroupError is the error kafkajs answers by joining the group again', () => {
    const error = rejoinGroupError('a task was fenced') as Error & { type?: string; retriable?: boolean };
    expect(error).to.be.instanceOf(KafkaJSProtocolError);
    expect(error.type).to.equal('REBALANCE_IN_PROGRESS');
    expect(error.message).to.equal('Joining the group again: a task was fenced');
  });
});
