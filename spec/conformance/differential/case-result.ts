/** One output record, bytes as hex (null for null), and the index of the input that caused it. */
export interface OutputRecord {
  readonly step: number;
  readonly topic: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
}

/** What one driver did with one case; both drivers' results have this shape. */
export interface CaseResult {
  readonly topology: string;
  readonly seed: number;
  readonly describe: string;
  /** What the driver threw, with the input it was at; null when it ran to the end. */
  readonly error: string | null;
  readonly outputs: readonly OutputRecord[];
}
