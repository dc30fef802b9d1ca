/** Reads a V8 `.cpuprofile` (node --cpu-prof) and lists where the self time went. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly percent: number;
}

const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*?\/(lib|bench)\//, '$1/') || '(native)';

/** Self time by function (name + file:line) and by file, biggest first. */
export function hotSpots(path: string, top = 15): { functions: HotSpot[]; files: HotSpot[]; totalMs: number } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const file = shortUrl(url);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const toSpot = (name: string, where: string, us: number): HotSpot => ({
    name,
    where,
    selfMs: Math.round(us / 1000),
    percent: Math.round((us / total) * 1000) / 10,
  });
  return {
    totalMs: Math.round(total / 1000),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => toSpot(f.name, f.where, f.us)),
    files: [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([file, us]) => toSpot(file, file, us)),
  };
}
