// Click sessions: a user's clicks with at most 5 minutes between them make one session; clicks
// up to 2 minutes late are still counted. Each update of a session goes out as
// `{ user, start, end, clicks }`; when a late click merges two sessions, the replaced ones are
// deleted (null values), which this sample drops.
import { Serdes, SessionWindows, StreamsBuilder, type Topology } from '../../lib/index.ts';

export const INACTIVITY_GAP_MS = 5 * 60_000;
export const GRACE_MS = 2 * 60_000;

export interface Session {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  readonly clicks: number;
}

export function buildSessionsTopology(input = 'clicks', output = 'click-sessions'): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(INACTIVITY_GAP_MS, GRACE_MS))
    .count({ storeName: 'click-sessions' })
    .toStream()
    .filter((_key, clicks): clicks is number => clicks !== null)
    .map((windowed, clicks) => ({ key: windowed.key, value: { user: windowed.key, start: windowed.window.start, end: windowed.window.end, clicks } }))
    .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Json<Session>() });
  return builder.build();
}
