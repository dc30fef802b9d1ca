import type { CaseResult, OutputRecord } from './case-result.ts';
import type { ConformanceCase, InputRecord } from './inputs.ts';

/** Bytes shown as what they most likely are: text, an Integer, a Long, or else hex. */
function show(hex: string | null): string {
  if (hex === null) return 'null';
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f)) return JSON.stringify(bytes.toString('latin1'));
  if (bytes.length === 4) return String(bytes.readInt32BE(0));
  if (bytes.length === 8) return String(bytes.readBigInt64BE(0));
  return `0x${hex}`;
}

function showOutput(record: OutputRecord | undefined): string {
  return record === undefined ? 'nothing' : `${record.topic}:${show(record.key)}=${show(record.value)}@${record.timestamp} (at input ${record.step})`;
}

function showInput(record: InputRecord, index: number): string {
  return `  #${index} ${record.topic}:${show(record.key?.toString('hex') ?? null)}=${show(record.value?.toString('hex') ?? null)}@${record.timestamp}`;
}

const sameOutput = (a: OutputRecord, b: OutputRecord) =>
  a.step === b.step && a.topic === b.topic && a.key === b.key && a.value === b.value && a.timestamp === b.timestamp;

/**
 * The first way our outputs for a case differ from Kafka's, as a short report naming the
 * topology and seed (the inputs up to that point, Kafka's record and ours), or undefined when
 * every record is equal: topic, key, value, timestamp and order.
 */
export function recordDifference(input: ConformanceCase, kafka: CaseResult, ours: CaseResult): string | undefined {
  const title = `${input.topology.name}, seed ${input.seed}`;
  if (kafka.error !== ours.error && (kafka.error === null || ours.error === null)) {
    return `${title}: Kafka ${kafka.error === null ? 'ran to the end' : `failed ${kafka.error}`}; ours ${ours.error === null ? 'ran to the end' : `failed ${ours.error}`}`;
  }
  const length = Math.max(kafka.outputs.length, ours.outputs.length);
  for (let i = 0; i < length; i++) {
    const [k, o] = [kafka.outputs[i], ours.outputs[i]];
    if (k !== undefined && o !== undefined && sameOutput(k, o)) continue;
    const step = Math.min(k?.step ?? Infinity, o?.step ?? Infinity);
    const from = Math.max(0, step - 11);
    const lines = input.inputs.slice(from, step + 1).map((record, j) => showInput(record, from + j));
    return [
      `${title}: output #${i} differs`,
      `  Kafka: ${showOutput(k)}`,
      `  ours:  ${showOutput(o)}`,
      `  (Kafka wrote ${kafka.outputs.length} records, we ${ours.outputs.length}); inputs${from > 0 ? ` ${from}..${step}` : ` up to ${step}`}:`,
      ...lines,
    ].join('\n');
  }
  return undefined;
}

/** The first line where our describe() text differs from Kafka's, or undefined when equal. */
export function describeDifference(name: string, kafka: string, ours: string): string | undefined {
  if (kafka === ours) return undefined;
  const [k, o] = [kafka.split('\n'), ours.split('\n')];
  const line = k.findIndex((text, i) => text !== o[i]);
  const at = line === -1 ? k.length : line;
  return [
    `${name}: describe() differs at line ${at + 1}`,
    `  Kafka: ${JSON.stringify(k[at] ?? '(end)')}`,
    `  ours:  ${JSON.stringify(o[at] ?? '(end)')}`,
    'Kafka whole:',
    kafka,
    'ours whole:',
    ours,
  ].join('\n');
}
