// The Aurora duration schema for CRD fields; the syntax itself lives in duration-syntax.ts.
import { z } from 'zod';
import { DURATION_PATTERN } from './duration-syntax.ts';

export {
  DURATION_PATTERN,
  formatDuration,
  isDuration,
  parseDuration,
  type DurationUnit,
} from './duration-syntax.ts';

export const Duration = z
  .string()
  .regex(DURATION_PATTERN, {
    error:
      'must be an Aurora duration <digits><unit> with unit ns, us, ms, secs, mins, hrs or days (e.g. 30secs)',
  })
  .describe(
    'Aurora duration: <digits><unit>, unit one of ns, us, ms, secs, mins, hrs, days (1min is rejected).',
  );
