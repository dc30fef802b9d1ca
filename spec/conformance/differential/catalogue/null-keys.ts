import { JoinWindows, StreamsBuilder, TimeWindows } from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, joined, long, str, windowedKey } from './serdes.ts';

type Int = number | null;

function withNullKeys(name: string, outputs: string[], build: (builder: StreamsBuilder) => void, inputs: string[] = ['in']): ConformanceTopology {
  return {
    name,
    nullKeys: true,
    inputs: inputs.map((topic) => ({ topic, kind: 'int' as const })),
    outputs,
    build() {
      const builder = new StreamsBuilder();
      build(builder);
      return builder.build();
    },
  };
}

/** Records with null keys where Kafka Streams drops them (or, since KIP-962, joins them with null). */
export const nullKeyTopologies: ConformanceTopology[] = [
  withNullKeys('null-key-count', ['out'], (builder) => {
    builder.stream<string, Int>('in', { keySerde: str, valueSerde: int }).groupByKey().count().toStream().to('out', { keySerde: str, valueSerde: long });
  }),
  withNullKeys('null-key-windowed-count', ['out'], (builder) => {
    builder
      .stream<string, Int>('in', { keySerde: str, valueSerde: int })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10_000, 2000))
      .count()
      .toStream()
      .map((key, value) => ({ key: windowedKey(key), value }))
      .to('out', { keySerde: str, valueSerde: long });
  }),
  withNullKeys('null-key-group-by-count', ['out'], (builder) => {
    builder
      .stream<string, Int>('in', { keySerde: str, valueSerde: int })
      .groupBy((_k, v) => (v === null || v % 4 === 0 ? (null as unknown as string) : `g${v % 3}`), { keySerde: str, valueSerde: int })
      .count()
      .toStream()
      .to('out', { keySerde: str, valueSerde: long });
  }),
  withNullKeys('null-key-repartition', ['out'], (builder) => {
    builder
      .stream<string, Int>('in', { keySerde: str, valueSerde: int })
      .repartition({ keySerde: str, valueSerde: int })
      .to('out', { keySerde: str, valueSerde: int });
  }),
  withNullKeys(
    'null-key-stream-stream-left',
    ['out'],
    (builder) => {
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int });
      const right = builder.stream<string, Int>('right', { keySerde: str, valueSerde: int });
      left
        .leftJoin(right, joined, JoinWindows.ofTimeDifferenceAndGrace(5000, 1000), { keySerde: str, valueSerde: int, otherValueSerde: int })
        .to('out', { keySerde: str, valueSerde: str });
    },
    ['left', 'right'],
  ),
];
