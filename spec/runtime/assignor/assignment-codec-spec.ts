import { expect } from 'chai';
import { StreamsException } from '../../../lib/index.ts';
import { decodeAssignmentInfo, encodeAssignmentInfo, type AssignmentInfo } from '../../../lib/runtime/assignor/assignment-info.ts';
import { RUNNING_ACTIVE, decodeSubscriptionInfo, encodeSubscriptionInfo, type SubscriptionInfo } from '../../../lib/runtime/assignor/subscription-info.ts';

describe('The Streams assignor userData', () => {
  it('carries a subscription from a member to the leader', () => {
    const info: SubscriptionInfo = {
      processId: 'p1',
      applicationServer: 'localhost:8080',
      previousActive: ['0_1'],
      previousStandby: ['1_0'],
      taskOffsetSums: { '0_1': RUNNING_ACTIVE, '1_0': 1200 },
    };
    expect(decodeSubscriptionInfo(encodeSubscriptionInfo(info))).to.deep.equal(info);
  });

  it('takes a member whose userData is not ours for a foreign member, and names a version it cannot read', () => {
    expect(decodeSubscriptionInfo(Buffer.from('not json'))).to.equal(undefined);
    expect(decodeSubscriptionInfo(Buffer.alloc(0))).to.equal(undefined);
    const future = Buffer.from(JSON.stringify({ magic: 'rxks-subscription', version: 9, processId: 'p' }));
    expect(() => decodeSubscriptionInfo(future)).to.throw(StreamsException, 'subscription version 9');
  });

  it('carries an assignment from the leader to a member', () => {
    const info: AssignmentInfo = {
      memberId: 'm1',
      activeTasks: ['0_0'],
      standbyTasks: ['0_1'],
      clients: [{ processId: 'p1', applicationServer: 'localhost:8080', activeTasks: ['0_0'], standbyTasks: ['0_1'] }],
      nextProbingRebalanceMs: 1234,
    };
    expect(decodeAssignmentInfo(encodeAssignmentInfo(info))).to.deep.include(info);
    expect(decodeAssignmentInfo(Buffer.from('{"magic":"other"}'))).to.equal(undefined);
  });
});
