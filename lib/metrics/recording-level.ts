/**
 * How much is measured, as Kafka's `metrics.recording.level`: INFO measures what is cheap (thread
 * and client metrics, dropped records, end-to-end latency, lag), DEBUG adds task, store and cache
 * metrics, TRACE adds what costs most.
 */
export type RecordingLevel = 'INFO' | 'DEBUG' | 'TRACE';

export const RECORDING_LEVELS: readonly RecordingLevel[] = ['INFO', 'DEBUG', 'TRACE'];

/** Whether a sensor of `sensorLevel` records when the application is configured at `configured`. */
export function shouldRecord(sensorLevel: RecordingLevel, configured: RecordingLevel): boolean {
  return RECORDING_LEVELS.indexOf(sensorLevel) <= RECORDING_LEVELS.indexOf(configured);
}
