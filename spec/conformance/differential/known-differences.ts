import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether a known difference is in the output records or in the describe() text. */
export type DifferenceKind = 'records' | 'describe';

/** One row of the known-differences table in docs/conformance.md. */
export interface KnownDifference {
  readonly id: string;
  readonly kind: DifferenceKind;
  readonly topologies: readonly string[];
  readonly reason: string;
}

export const CONFORMANCE_DOC = fileURLToPath(new URL('../../../docs/conformance.md', import.meta.url));
const START = '<!-- differential-known-differences:start -->';
const END = '<!-- differential-known-differences:end -->';

/**
 * Reads the table between the two markers of docs/conformance.md: `| id | records or describe |
 * topologies, each in backticks | reason |`. Throws, naming the line, on a row it cannot read,
 * so a typo cannot silently widen or narrow what the suite lets through.
 */
export function readKnownDifferences(path = CONFORMANCE_DOC): KnownDifference[] {
  const text = readFileSync(path, 'utf8');
  const [start, end] = [text.indexOf(START), text.indexOf(END)];
  if (start === -1 || end < start) throw new Error(`${path} has no table between ${START} and ${END}`);
  const rows = text
    .slice(start + START.length, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .slice(2); // the header and the |---| line
  const seen = new Set<string>();
  return rows.map((line) => {
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim());
    const [id, kind, topologies, reason] = cells;
    if (cells.length !== 4 || !/^[A-Z][0-9]+[a-z]?$/.test(id!) || (kind !== 'records' && kind !== 'describe') || !reason) {
      throw new Error(
        `${path}: cannot read the known-difference row ${JSON.stringify(line)}; expected | id | records or describe | \`topology\`, ... | reason |`,
      );
    }
    if (seen.has(`${id}/${kind}`)) throw new Error(`${path}: known difference ${id} (${kind}) is listed twice`);
    seen.add(`${id}/${kind}`);
    const names = [...topologies!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    if (names.length === 0) throw new Error(`${path}: known difference ${id} names no topology (write each name in backticks)`);
    return { id: id!, kind, topologies: names, reason: reason! };
  });
}
