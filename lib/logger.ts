export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'nothing';

/** A namespaced logger; pass your own to the runtime or the driver to route the lines elsewhere. */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  namespace(name: string): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, nothing: 100 };

/** Writes JSON-free one-line logs to stderr at or above `level`. */
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
