import { expect } from 'chai';
import { Serdes, StreamsBuilder } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();

// The KTable-KTable join table from Kafka Streams' documentation (Joining > KTable-KTable
// Equi-Join): left and right updates for one key, and what inner, left and outer joins emit.
describe('KTable.join / leftJoin / outerJoin', () => {
  function run(kind: 'join' | 'leftJoin' | 'outerJoin') {
    const builder = new StreamsBuilder();
    const left = builder.table<string, string>('left', { keySerde: str, valueSerde: str });
    const right = builder.table<string, string>('right', { keySerde: str, valueSerde: str });
    const joiner = (l: string | null, r: string | null) => `[${l}, ${r}]`;
    (left[kind] as (other: typeof right, joiner: (l: string | null, r: string | null) => string, materialized: { storeName: string }) => ReturnType<typeof left.join>)
      .call(left, right, joiner, { storeName: 'joined' })
      .toStream()
      .to('out', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const l = driver.createInputTopic('left', str, str);
    const r = driver.createInputTopic('right', str, str);
    const out = driver.createOutputTopic('out', str, str);
    const steps: [typeof l, string | null][] = [
      [l, null],
      [r, null],
      [l, 'A'],
      [r, 'a'],
      [l, 'B'],
      [r, 'b'],
      [l, null],
      [r, null],
      [l, 'C'],
      [r, 'c'],
      [r, null],
      [l, null],
      [r, null],
      [r, 'd'],
      [l, 'D'],
    ];
    const emitted: (string | null)[][] = [];
    for (const [topic, value] of steps) {
      topic.pipeInput('k', value as string);
      emitted.push(out.readValuesToList());
    }
    return { emitted, driver };
  }

  it('inner join emits when both sides have a row, and a delete when one side goes', () => {
    const { emitted, driver } = run('join');
    expect(emitted).to.deep.equal([[], [], [], ['[A, a]'], ['[B, a]'], ['[B, b]'], [null], [], [], ['[C, c]'], [null], [], [], [], ['[D, d]']]);
    expect(driver.getKeyValueStore<string, string>('joined').get('k')).to.equal('[D, d]');
  });

  it('left join emits for every left row, with null for a missing right row', () => {
    const { emitted } = run('leftJoin');
    expect(emitted).to.deep.equal([[], [], ['[A, null]'], ['[A, a]'], ['[B, a]'], ['[B, b]'], [null], [], ['[C, null]'], ['[C, c]'], ['[C, null]'], [null], [], [], ['[D, d]']]);
  });

  it('outer join emits for a row on either side', () => {
    const { emitted } = run('outerJoin');
    expect(emitted).to.deep.equal([
      [],
      [],
      ['[A, null]'],
      ['[A, a]'],
      ['[B, a]'],
      ['[B, b]'],
      ['[null, b]'],
      [null],
      ['[C, null]'],
      ['[C, c]'],
      ['[C, null]'],
      [null],
      [],
      ['[null, d]'],
      ['[D, d]'],
    ]);
  });
});
