/**
 * Turns runs into results (median, min, max, peak RSS, ratios), and results into the Markdown
 * table and the SVG bar chart of bench/results/.
 */
import type { Guarantee, Workload } from '../workers/protocol.ts';
import type { RunResult } from './measure.ts';

export type System = 'kafkajs' | 'rx-kafka-streams' | 'kafka-streams' | 'kafkats-flow';

export const SYSTEM_LABELS: Record<System, string> = {
  kafkajs: 'raw kafkajs',
  'rx-kafka-streams': 'rx-kafka-streams',
  'kafka-streams': 'Kafka Streams (Java)',
  'kafkats-flow': '@kafkats/flow',
};

export interface CaseResult {
  readonly workload: Workload;
  readonly system: System;
  readonly guarantee: Guarantee;
  /** Stream threads (Streams systems; 1 for the raw clients). */
  readonly threads: number;
  /** `ok`, or why there is no number: `not supported yet`, `not available: ...`, `failed: ...`. */
  readonly status: string;
  readonly runs: RunResult[];
  readonly warmupRuns: RunResult[];
  readonly median?: number;
  readonly min?: number;
  readonly max?: number;
  readonly peakRssMb?: number;
  /** Median over the raw kafkajs median of the baseline (`consume` for consume, else `consume-produce`). */
  readonly ratioToKafkajs?: number;
  /** Median over Kafka Streams' one-thread median, same workload and guarantee. */
  readonly ratioToJava?: number;
}

export function summarize(c: Omit<CaseResult, 'median' | 'min' | 'max' | 'peakRssMb' | 'ratioToKafkajs' | 'ratioToJava'>): CaseResult {
  if (c.runs.length === 0) return c;
  const rates = c.runs.map((run) => run.recordsPerSec).sort((a, b) => a - b);
  const mid = Math.floor(rates.length / 2);
  const median = rates.length % 2 ? rates[mid]! : Math.round((rates[mid - 1]! + rates[mid]!) / 2);
  return { ...c, median, min: rates[0], max: rates[rates.length - 1], peakRssMb: Math.max(...c.runs.map((run) => run.peakRssMb)) };
}

/** The input size of a case's runs (cases can be re-run with another size and merged). */
export const recordsOf = (r: CaseResult): number | undefined => r.runs[0]?.records;

/** The record count most rows were measured with: the one the headings state. */
export function commonRecords(results: CaseResult[], fallback: number): number {
  const counts = new Map<number, number>();
  for (const r of results) {
    const records = recordsOf(r);
    if (records !== undefined) counts.set(records, (counts.get(records) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? fallback;
}

export function withRatios(results: CaseResult[]): CaseResult[] {
  const medianOf = (workload: Workload, system: System, guarantee: Guarantee): number | undefined =>
    results.find((r) => r.workload === workload && r.system === system && r.guarantee === guarantee && r.threads === 1)?.median;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return results.map((r) => {
    if (r.median === undefined) return r;
    const raw = medianOf(r.workload === 'consume' ? 'consume' : 'consume-produce', 'kafkajs', 'at_least_once');
    const java = medianOf(r.workload, 'kafka-streams', r.guarantee);
    return { ...r, ratioToKafkajs: raw ? round(r.median / raw) : undefined, ratioToJava: java ? round(r.median / java) : undefined };
  });
}

const guaranteeLabel = (g: Guarantee): string => (g === 'exactly_once_v2' ? 'EOS' : 'ALOS');
const fmt = (n: number | undefined): string => (n === undefined ? '' : n.toLocaleString('en'));
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(2)}x`);

export function markdownTable(results: CaseResult[]): string {
  const lines = [
    '| workload | system | guarantee | threads | records/s (median) | min | max | runs | records | peak RSS | vs raw kafkajs | vs Kafka Streams (1 thread) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const rate = r.median === undefined ? r.status : `**${fmt(r.median)}**`;
    const rss = r.peakRssMb === undefined ? '' : `${r.peakRssMb} MB`;
    lines.push(
      `| ${r.workload} | ${SYSTEM_LABELS[r.system]} | ${guaranteeLabel(r.guarantee)} | ${r.threads} | ${rate} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.runs.length || ''} | ${fmt(recordsOf(r))} | ${rss} | ${ratio(r.ratioToKafkajs)} | ${ratio(r.ratioToJava)} |`,
    );
  }
  return lines.join('\n');
}

const COLORS: Record<System, string> = {
  kafkajs: '#8c8c8c',
  'rx-kafka-streams': '#d6336c',
  'kafka-streams': '#1c7ed6',
  'kafkats-flow': '#37b24d',
};

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar per system and guarantee, grouped by workload; whiskers show min..max. */
export function svgChart(results: CaseResult[], title: string, subtitle: string): string {
  const bars = results.filter((r) => r.median !== undefined);
  const usual = commonRecords(results, 0);
  const maxRate = Math.max(1, ...bars.map((r) => r.max ?? r.median!));
  const left = 330;
  const width = 980;
  const plot = width - left - 110;
  const barHeight = 18;
  const gap = 4;
  const groupGap = 16;
  const body: string[] = [];
  let y = 70;
  const workloads = [...new Set(results.map((r) => r.workload))];
  for (const workload of workloads) {
    body.push(`<text x="10" y="${y + 12}" font-weight="bold">${escapeXml(workload)}</text>`);
    y += 20;
    for (const r of results.filter((x) => x.workload === workload)) {
      const records = recordsOf(r);
      const label = `${SYSTEM_LABELS[r.system]} ${guaranteeLabel(r.guarantee)}${r.threads > 1 ? `, ${r.threads} threads` : ''}${records !== undefined && records !== usual ? ` (${fmt(records)} records)` : ''}`;
      body.push(`<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escapeXml(label)}</text>`);
      if (r.median === undefined) {
        body.push(`<text x="${left + 4}" y="${y + 13}" fill="#868e96" font-style="italic">${escapeXml(r.status)}</text>`);
      } else {
        const w = (r.median / maxRate) * plot;
        const x0 = left + ((r.min ?? r.median) / maxRate) * plot;
        const x1 = left + ((r.max ?? r.median) / maxRate) * plot;
        body.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[r.system]}"/>`);
        body.push(
          `<line x1="${x0.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${y + barHeight / 2}" y2="${y + barHeight / 2}" stroke="#212529" stroke-width="1.5"/>`,
        );
        body.push(`<text x="${Math.max(left + w, x1) + 6}" y="${y + 13}">${fmt(r.median)}/s</text>`);
      }
      y += barHeight + gap;
    }
    y += groupGap;
  }
  const height = y + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="44" fill="#495057">${escapeXml(subtitle)}</text>`,
    `<line x1="${left}" x2="${left}" y1="60" y2="${height - 20}" stroke="#adb5bd"/>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}
