// The plug-in point of the fleet benchmark: a section measures something on the running fleet and returns lines.
import type { FleetOptions } from './fleet-args.ts';
import type { FleetEnv } from './fleet-env.ts';
import type { ResultLine } from './fleet-report.ts';

export interface FleetContext {
  env: FleetEnv;
  opts: FleetOptions;
  /** every cluster created, Ready or not */
  clusters: readonly string[];
  /** the clusters that became Ready within the timeout */
  ready: readonly string[];
  /** progress to stderr, so stdout holds only the report */
  progress(message: string): void;
}

export type FleetSection = (ctx: FleetContext) => Promise<ResultLine[]>;

/**
 * Sections run after the built-in ones, on the same Ready fleet (e.g. restore timing, a 10,000-task cluster): push
 * a section here from a module imported by bench/fleet.ts. A section that throws fails the harness.
 */
export const extraSections: Array<{ name: string; run: FleetSection }> = [];
