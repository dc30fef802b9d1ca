import type { logCreator, logLevel as LogLevelEnum } from 'kafkajs';
import { kafkajs } from './kafkajs.ts';
import type { Logger, LogLevel } from '../logger.ts';

export function toKafkajsLogLevel(level: LogLevel): LogLevelEnum {
  const { logLevel } = kafkajs();
  const levels: Record<LogLevel, LogLevelEnum> = {
    nothing: logLevel.NOTHING,
    error: logLevel.ERROR,
    warn: logLevel.WARN,
    info: logLevel.INFO,
    debug: logLevel.DEBUG,
  };
  return levels[level];
}

/** Routes kafkajs' log lines through our logger, under the `kafkajs` namespace. */
export function kafkajsLogCreator(logger: Logger): logCreator {
  const log = logger.namespace('kafkajs');
  const { logLevel } = kafkajs();
  return () => (entry) => {
    const { message, ...extra } = entry.log;
    const line = `${entry.namespace}: ${message}`;
    if (entry.level === logLevel.ERROR) log.error(line, extra);
    else if (entry.level === logLevel.WARN) log.warn(line, extra);
    else if (entry.level === logLevel.INFO) log.info(line, extra);
    else log.debug(line, extra);
  };
}
