// One root logger for every process of the project; children carry the object they work on.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: ['*.token', '*.authorization', 'headers.authorization'],
  });
}
