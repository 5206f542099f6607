// The flag set of the Aurora version the simulator stands in for: the 0.22 flags plus the fork's plugin flags of that
// version, from the operator's version table (src/api/aurora-versions.ts; sources in docs/versions.md).
import { AURORA_VERSIONS, KNOWN_AURORA_VERSIONS, PLUGIN_FLAGS } from '../../../src/api/aurora-versions.ts';
import { FlagError } from './flag-parser.ts';
import type { FlagKind } from './flags.ts';

/** The version the simulated binary is; unset, it takes every plugin flag of the table (docs/simulator.md). */
export const SIM_VERSION_ENV = 'AURORA_SIM_VERSION';

// value kinds of the plugin modules' options: TimeAmount flags are durations, the exponent a double
const PLUGIN_FLAG_KINDS: Readonly<Record<string, FlagKind>> = {
  http_offer_set_endpoint: 'string',
  http_offer_set_filter_enabled: 'bool',
  http_offer_set_max_retries: 'int',
  http_offer_set_max_starting_tasks_per_slave: 'int',
  http_offer_set_task_fetch_interval: 'duration',
  http_offer_set_timeout: 'duration',
  http_offer_set_timeout_ms: 'int',
  probabilistic_priority_assigner_exponent: 'double',
  probabilistic_priority_assigner_task_fetch_interval: 'duration',
};

/** The version the environment names, or undefined when it names none; a version outside the table is refused. */
export function simVersionOf(env: Record<string, string | undefined>): string | undefined {
  const version = env[SIM_VERSION_ENV] || undefined;
  if (version !== undefined && !KNOWN_AURORA_VERSIONS.includes(version)) {
    throw new FlagError(
      `${SIM_VERSION_ENV}=${version} is no Aurora version the simulator knows (${KNOWN_AURORA_VERSIONS.join(', ')})`,
    );
  }
  return version;
}

/** The plugin flags the given version registers (every one of the table when version is undefined), with kinds. */
export function pluginFlagKinds(version: string | undefined): Map<string, FlagKind> {
  const flags = AURORA_VERSIONS.find((v) => v.version === version)?.pluginFlags ?? [...PLUGIN_FLAGS];
  return new Map(flags.map((f) => [f, PLUGIN_FLAG_KINDS[f] ?? 'string']));
}
