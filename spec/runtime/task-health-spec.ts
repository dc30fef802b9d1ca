import { expect } from 'chai';
import { KeyvBackendException, StreamsException } from '../../lib/errors.ts';
import { MAX_REVIVALS, REVIVAL_WINDOW_MS, TaskHealth, isRecoverable } from '../../lib/runtime/task-health.ts';

describe('TaskHealth (task timeout and revival bookkeeping)', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });

  it('lets a task fail for a reason that can pass until taskTimeoutMs, then says what it could not do and for how long', () => {
    const health = new TaskHealth(1000);
    expect(health.failed('0_1', 'commit', refused, 10_000)).to.equal(0);
    expect(health.failed('0_1', 'commit', refused, 10_900)).to.equal(900);
    expect(() => health.failed('0_1', 'commit', refused, 11_001)).to.throw(
      StreamsException,
      'Task 0_1 could not commit for 1001 ms, longer than taskTimeoutMs (1000); last error: connect ECONNREFUSED',
    );
  });

  it('starts counting again once the task got through', () => {
    const health = new TaskHealth(1000);
    health.failed('0_1', 'commit', refused, 0);
    expect(health.succeeded('0_1', 'commit')).to.equal(true);
    expect(health.failed('0_1', 'commit', refused, 5000)).to.equal(0);
  });

  it(`fails a task started again more than ${MAX_REVIVALS} times within a minute, naming the last reason`, () => {
    const health = new TaskHealth(300_000);
    for (let i = 0; i < MAX_REVIVALS; i++) health.revived('1_0', 'fenced', i * 1000);
    expect(() => health.revived('1_0', 'EndTxn: UNKNOWN_SERVER_ERROR', 6000)).to.throw(
      StreamsException,
      /Task 1_0 was started again 6 times within 60 s; giving up\. Last reason: EndTxn: UNKNOWN_SERVER_ERROR/,
    );
    // Spread over more than a minute, revivals are fine.
    const spread = new TaskHealth(300_000);
    for (let i = 0; i < 3 * MAX_REVIVALS; i++) spread.revived('1_0', 'fenced', i * (REVIVAL_WINDOW_MS / MAX_REVIVALS + 1));
  });

  it('takes broker and store backend outages for recoverable, and other errors not', () => {
    expect(isRecoverable(new StreamsException('The transaction of task 0_0 failed', { cause: refused }))).to.equal(true);
    expect(isRecoverable(Object.assign(new Error('no coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound' }))).to.equal(true);
    expect(isRecoverable(Object.assign(new Error('loading'), { type: 'GROUP_LOAD_IN_PROGRESS' }))).to.equal(true);
    expect(isRecoverable(new KeyvBackendException('Could not write the Keyv backend of store s'))).to.equal(true);
    expect(isRecoverable(Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' }))).to.equal(false);
    expect(isRecoverable(new TypeError('x is undefined'))).to.equal(false);
  });
});
