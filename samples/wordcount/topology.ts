// Word count per 10-second window, one final count per word and window once the window closes
// (suppress), keyed `<word>@<window start ms>`.
import { Serdes, StreamsBuilder, Suppressed, TimeWindows, type Topology } from '../../lib/index.ts';

export const WINDOW_MS = 10_000;

export function buildWordCountTopology(input = 'text-lines', output = 'windowed-word-counts'): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .flatMapValues((line) =>
      line
        .toLowerCase()
        .split(/\W+/)
        .filter((word) => word.length > 0),
    )
    .groupBy((_key, word) => word, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_MS))
    .count({ storeName: 'word-counts' })
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .filter((_key, count): count is number => count !== null)
    .map((windowed, count) => ({ key: `${windowed.key}@${windowed.window.start}`, value: count }))
    .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
  return builder.build();
}
