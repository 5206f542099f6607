// One root logger for every process of the project; children carry the object they work on.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** destination defaults to stdout; a process hosting many programs gives each its own. */
export function createLogger(
  name: string,
  level = process.env['LOG_LEVEL'] ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name,
    level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: ['*.token', '*.authorization', 'headers.authorization'],
  };
  return destination ? pino(options, destination) : pino(options);
}
