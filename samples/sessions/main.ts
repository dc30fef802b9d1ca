// Click sessions on the local broker: npm run sample:sessions
import { runSample } from '../run-sample.ts';
import { buildSessionsTopology } from './topology.ts';

const minute = 60_000;
const t0 = Date.now() - 60 * minute;
const clicks: [user: string, page: string, atMinute: number][] = [
  ['ann', '/', 0],
  ['ann', '/shoes', 2],
  ['bob', '/', 3],
  ['ann', '/cart', 10],
  ['ann', '/help', 6], // late, within the grace: merges ann's two sessions into one
  ['bob', '/pay', 30],
];

await runSample({
  name: 'sessions',
  topology: buildSessionsTopology(),
  inputs: [['clicks', clicks.map(([user, page, at]) => ({ key: user, value: page, timestamp: t0 + at * minute }))]],
  output: 'click-sessions',
});
