/** The lowest level a logger writes, from `'debug'` up to `'error'`; `'nothing'` writes no lines at all. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'nothing';

/** A namespaced logger; pass your own to the runtime or the driver to route the lines elsewhere. */
export interface Logger {
  /** Logs detail useful only when tracing a problem; `extra` holds structured fields to print with the line. */
  debug(message: string, extra?: Record<string, unknown>): void;
  /** Logs a normal event of the application's life (a state change, joining the group, a restore finished). */
  info(message: string, extra?: Record<string, unknown>): void;
  /** Logs something unexpected that the application survives (a failed commit, a task making no progress). */
  warn(message: string, extra?: Record<string, unknown>): void;
  /** Logs a failure. */
  error(message: string, extra?: Record<string, unknown>): void;
  /** A child logger whose lines are tagged with `name` too (`[rx-kafka-streams:name]` for the built-in loggers), as kafkajs' `logger.namespace`. */
  namespace(name: string): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, nothing: 100 };

/** Writes one-line logs to stderr at or above `level`; `extra` fields are appended to the line as JSON. */
export function consoleLogger(level: LogLevel = 'info', prefix = 'rx-kafka-streams'): Logger {
  return lineLogger(level, prefix, (line) => process.stderr.write(`${line}\n`));
}

/** One-line logs at or above `level`, each handed to `sink` (consoleLogger's format). */
export function lineLogger(level: LogLevel, prefix: string, sink: (line: string) => void): Logger {
  const write = (at: LogLevel) => (message: string, extra?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const details = extra && Object.keys(extra).length > 0 ? ' ' + JSON.stringify(extra, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) : '';
    sink(`${new Date().toISOString()} ${at.toUpperCase()} [${prefix}] ${message}${details}`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    namespace: (name) => lineLogger(level, `${prefix}:${name}`, sink),
  };
}
