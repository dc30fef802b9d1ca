/**
 * Task ids as the assignor orders them. An id is `<subTopology>_<partition>`; ordering them as
 * numbers (0_2 before 0_10) is what makes every pass of the assignor deterministic.
 */

const TASK_ID = /^(\d+)_(\d+)$/;

function parse(id: string): readonly [number, number] | undefined {
  const match = TASK_ID.exec(id);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * Orders task ids by sub-topology, then partition, both numerically: 0_2 < 0_10 < 1_0.
 * Ids not of that form sort after all others, by plain string order, so the order stays total.
 */
export function compareTaskIds(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (left && right) return left[0] - right[0] || left[1] - right[1];
  if (left) return -1;
  if (right) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The sub-topology part of a task id (the whole id when it has no `_`). */
export function subTopologyOf(id: string): string {
  const separator = id.indexOf('_');
  return separator < 0 ? id : id.slice(0, separator);
}

/** The ids deduplicated and sorted by compareTaskIds. */
export function sortedTaskIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(compareTaskIds);
}
