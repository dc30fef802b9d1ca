import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';
import { buildSessionsTopology, type Session } from '../../samples/sessions/topology.ts';

const minute = 60_000;

describe('samples/sessions: click sessions in session windows', () => {
  it('grows a session while clicks come within the gap, starts another after it, merges two that a late click bridges, and drops clicks later than the grace', () => {
    const driver = new TopologyTestDriver(buildSessionsTopology());
    const clicks = driver.createInputTopic('clicks', Serdes.String(), Serdes.String());
    const sessions = driver.createOutputTopic('click-sessions', Serdes.String(), Serdes.Json<Session>());
    clicks.pipeInput('ann', '/', 0);
    clicks.pipeInput('ann', '/cart', 1 * minute);
    clicks.pipeInput('bob', '/', 2 * minute);
    clicks.pipeInput('ann', '/', 7 * minute);
    expect(sessions.readValuesToList()).to.deep.equal([
      { user: 'ann', start: 0, end: 0, clicks: 1 },
      { user: 'ann', start: 0, end: 1 * minute, clicks: 2 },
      { user: 'bob', start: 2 * minute, end: 2 * minute, clicks: 1 },
      { user: 'ann', start: 7 * minute, end: 7 * minute, clicks: 1 },
    ]);
    // A late click at 4:00 is within 5 minutes of both of ann's sessions: they become one.
    clicks.pipeInput('ann', '/help', 4 * minute);
    expect(sessions.readValuesToList()).to.deep.equal([{ user: 'ann', start: 0, end: 7 * minute, clicks: 4 }]);
    // Stream time 20:00: bob's session ended at 2:00, closed since 9:00 (gap and grace); a click at 3:00 is dropped.
    clicks.pipeInput('cid', '/', 20 * minute);
    clicks.pipeInput('bob', '/late', 3 * minute);
    expect(sessions.readValuesToList()).to.deep.equal([{ user: 'cid', start: 20 * minute, end: 20 * minute, clicks: 1 }]);
    driver.close();
  });
});
