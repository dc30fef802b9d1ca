import {
  BufferConfig,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type KTable,
  type Serde,
  type Windowed,
} from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, long, orNull, str, windowedKey } from './serdes.ts';

type Int = number | null;

function grouped(builder: StreamsBuilder) {
  return builder.stream<string, Int>('in', { keySerde: str, valueSerde: int }).groupByKey();
}

/** Windowed keys written as "key@start-end", so both sides compare plain strings. */
function toOut<V>(table: KTable<Windowed<string>, V>, valueSerde: Serde<V>): void {
  table
    .toStream()
    .map((key, value) => ({ key: windowedKey(key), value }))
    .to('out', { keySerde: str, valueSerde });
}

function windowed(name: string, build: (builder: StreamsBuilder) => void): ConformanceTopology {
  return {
    name,
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: false,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      build(builder);
      return builder.build();
    },
  };
}

const SECOND = 1000;

/** Tumbling, hopping, sliding and session windows, grace, suppress and emit-on-window-close. */
export const windowTopologies: ConformanceTopology[] = [
  windowed('window-tumbling-count', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, 2 * SECOND))
        .count(),
      long,
    ),
  ),
  windowed('window-hopping-aggregate', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, SECOND).advanceBy(5 * SECOND))
        .aggregate(
          () => 0,
          (_k, v, agg: number) => agg + orNull(v),
          { valueSerde: int },
        ),
      int,
    ),
  ),
  windowed('window-sliding-count', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5 * SECOND, 2 * SECOND))
        .count(),
      long,
    ),
  ),
  windowed('window-sliding-reduce', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(3 * SECOND))
        .reduce((a, b) => a! + b!),
      int,
    ),
  ),
  windowed('window-session-count', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(5 * SECOND, SECOND))
        .count(),
      long,
    ),
  ),
  windowed('window-session-aggregate', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(3 * SECOND))
        .aggregate(
          () => 0,
          (_k, v, agg: number) => agg + orNull(v),
          (_k, a, b) => a + b,
          { valueSerde: int },
        ),
      int,
    ),
  ),
  windowed('window-suppress-until-window-closes', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, 2 * SECOND))
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
      long,
    ),
  ),
  windowed('window-emit-on-window-close', (builder) =>
    toOut(
      grouped(builder)
        .windowedBy(TimeWindows.ofSizeAndGrace(5 * SECOND, SECOND))
        .emitStrategy('on-window-close')
        .count(),
      long,
    ),
  ),
  windowed('suppress-until-time-limit', (builder) => {
    grouped(builder)
      .count()
      .suppress(Suppressed.untilTimeLimit(3 * SECOND, BufferConfig.unbounded()))
      .toStream()
      .to('out', { keySerde: str, valueSerde: long });
  }),
];
