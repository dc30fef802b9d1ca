import { StreamsException } from '../errors.ts';
import { RECORDING_LEVELS, type RecordingLevel } from './recording-level.ts';

/** How windowed stats sample and which sensors record, as Kafka's MetricConfig. */
export interface MetricConfig {
  /** The length of one sample window (`metrics.sample.window.ms`, default 30 s). */
  readonly sampleWindowMs: number;
  /** How many sample windows a windowed stat keeps (`metrics.num.samples`, default 2). */
  readonly numSamples: number;
  /** Sensors above this level are not created at all (`metrics.recording.level`, default INFO). */
  readonly recordingLevel: RecordingLevel;
}

/** The metrics settings of a StreamsConfig (and so of KafkaStreamsConfig and the test driver's config). */
export interface MetricsSettings {
  /** `'INFO'` (default), `'DEBUG'` or `'TRACE'`, as Kafka's `metrics.recording.level`. */
  readonly metricsRecordingLevel?: RecordingLevel;
  /** The window of one sample of rates, averages and maxima, as `metrics.sample.window.ms`. Default 30000. */
  readonly metricsSampleWindowMs?: number;
  /** How many sample windows rates, averages and maxima span, as `metrics.num.samples`. Default 2. */
  readonly metricsNumSamples?: number;
}

export const DEFAULT_METRIC_CONFIG: MetricConfig = { sampleWindowMs: 30_000, numSamples: 2, recordingLevel: 'INFO' };

/** The MetricConfig of these settings; a bad setting is an error that names it. */
export function metricConfig(settings: MetricsSettings): MetricConfig {
  const level = settings.metricsRecordingLevel ?? DEFAULT_METRIC_CONFIG.recordingLevel;
  if (!RECORDING_LEVELS.includes(level)) {
    throw new StreamsException(`metricsRecordingLevel must be one of ${RECORDING_LEVELS.map((l) => `'${l}'`).join(', ')}; got ${JSON.stringify(level)}`);
  }
  return {
    sampleWindowMs: wholeNumber('metricsSampleWindowMs', settings.metricsSampleWindowMs, DEFAULT_METRIC_CONFIG.sampleWindowMs),
    numSamples: wholeNumber('metricsNumSamples', settings.metricsNumSamples, DEFAULT_METRIC_CONFIG.numSamples),
    recordingLevel: level,
  };
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new StreamsException(`${name} must be a whole number of at least 1; got ${String(value)}`);
  return value;
}
