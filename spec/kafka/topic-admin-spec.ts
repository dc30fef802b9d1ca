import { expect } from 'chai';
import { whileRetriable } from '../../lib/kafka/topic-admin.ts';

const retriable = (message: string): Error => Object.assign(new Error(message), { retriable: true });

describe('whileRetriable', () => {
  it('asks again while kafkajs says the error is retriable (a leader not ready yet), then answers', async () => {
    let calls = 0;
    const answer = await whileRetriable(async () => {
      if (++calls < 3) throw retriable('This server is not the leader for that topic-partition');
      return 42;
    });
    expect(answer).to.equal(42);
    expect(calls).to.equal(3);
  });

  it('fails at once on an error that is not retriable', async () => {
    let calls = 0;
    const error = await whileRetriable(async () => {
      calls++;
      throw new Error('Topic authorization failed');
    }).catch((e: Error) => e);
    expect(error).to.be.an('error').with.property('message', 'Topic authorization failed');
    expect(calls).to.equal(1);
  });

  it('gives up with the last error once the time is out', async () => {
    const error = await whileRetriable(async () => {
      throw retriable('still loading');
    }, 300).catch((e: Error) => e);
    expect(error).to.be.an('error').with.property('message', 'still loading');
  });
});
