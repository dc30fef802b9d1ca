// The differential conformance suite: every topology of the catalogue
// (spec/conformance/differential/catalogue/), built with our DSL and, under the same name, with
// Kafka Streams' (conformance/java/), is fed the same seeded inputs through both
// TopologyTestDriver implementations; every output record (topic, key, value, timestamp, order)
// and the describe() text must be equal, unless docs/conformance.md lists the difference with
// its reason. A listed difference that no longer shows fails too, so the list stays exactly
// what remains.
import { expect } from 'chai';
import type { CaseResult } from './differential/case-result.ts';
import { CATALOGUE } from './differential/catalogue.ts';
import { describeDifference, recordDifference } from './differential/compare.ts';
import { generateCase, type ConformanceCase } from './differential/inputs.ts';
import { runKafka } from './differential/java-driver.ts';
import { readKnownDifferences, type DifferenceKind } from './differential/known-differences.ts';
import { runOurs } from './differential/our-driver.ts';

const SEEDS = [1, 2, 3, 4, 5, 6];

describe('Differential conformance with Kafka Streams 4.1.2 (TopologyTestDriver)', function () {
  const known = readKnownDifferences();
  const cases: ConformanceCase[] = CATALOGUE.flatMap((topology) => SEEDS.map((seed) => generateCase(topology, seed)));
  const results = new Map<ConformanceCase, { kafka: CaseResult; ours: CaseResult }>();

  before(async function () {
    // A clean clone builds conformance/java with Maven first (about a minute); later runs reuse it.
    this.timeout(300_000);
    const kafka = await runKafka(cases);
    expect(kafka.map((result) => `${result.topology}#${result.seed}`)).to.deep.equal(cases.map((c) => `${c.topology.name}#${c.seed}`));
    cases.forEach((c, i) => results.set(c, { kafka: kafka[i]!, ours: runOurs(c) }));
    const records = [...results.values()].reduce((sum, { kafka }) => sum + kafka.outputs.length, 0);
    console.log(
      `      ${CATALOGUE.length} topologies x ${SEEDS.length} seeds, ${cases.reduce((sum, c) => sum + c.inputs.length, 0)} input and ${records} Kafka output records compared`,
    );
  });

  const listed = (name: string, kind: DifferenceKind) =>
    known.filter((entry) => entry.kind === kind && entry.topologies.includes(name)).map((entry) => entry.id);

  /** Fails on an unlisted difference, and on a listed one that no longer shows. */
  function check(name: string, kind: DifferenceKind, differences: string[]): void {
    const ids = listed(name, kind);
    if (ids.length === 0 && differences.length > 0) {
      expect.fail(`${differences.length} difference(s) from Kafka Streams not listed in docs/conformance.md; the first:\n${differences[0]}`);
    }
    if (ids.length > 0 && differences.length === 0) {
      expect.fail(`docs/conformance.md lists ${name} under ${ids.join(', ')} (${kind}), but it now conforms: remove it from that row`);
    }
  }

  it('lists known differences only for topologies of the catalogue', function () {
    const names = new Set(CATALOGUE.map((topology) => topology.name));
    expect(known.flatMap((entry) => entry.topologies.filter((name) => !names.has(name)).map((name) => `${entry.id}: ${name}`))).to.deep.equal([]);
  });

  for (const topology of CATALOGUE) {
    const mine = () => cases.filter((c) => c.topology === topology);

    it(`${topology.name}: every output record equals Kafka's, for seeds ${SEEDS.join(', ')}`, function () {
      check(
        topology.name,
        'records',
        mine().flatMap((c) => recordDifference(c, results.get(c)!.kafka, results.get(c)!.ours) ?? []),
      );
    });

    it(`${topology.name}: describe() equals Kafka's`, function () {
      const { kafka, ours } = results.get(mine()[0]!)!;
      check(
        topology.name,
        'describe',
        [describeDifference(topology.name, kafka.describe, ours.describe)].filter((d): d is string => d !== undefined),
      );
    });
  }
});
