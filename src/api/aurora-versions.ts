// The Aurora releases the operator supports: Apache 0.22.0 and the aurora-scheduler fork's 0.23.0–0.27.0 (docs/versions.md
// has the sources). The fork removed no flag and changed no default; it only adds flags of its plugin modules.
import { z } from 'zod';
import { auroraVersionOfImage } from './object-store-env.ts';

export interface AuroraVersion {
  version: string;
  /** Mesos library the release is built against. */
  mesos: string;
  /** Tag of the scheduler image built from this release. */
  imageTag: string;
  /** Flags beyond the 0.22 set, registered by the fork's offer-set and task-assigner plugins. */
  pluginFlags: readonly string[];
}

const HTTP_OFFER_SET_024 = [
  'http_offer_set_endpoint',
  'http_offer_set_max_retries',
  'http_offer_set_timeout_ms',
];
const HTTP_OFFER_SET_026 = [
  'http_offer_set_endpoint',
  'http_offer_set_filter_enabled',
  'http_offer_set_max_retries',
  'http_offer_set_max_starting_tasks_per_slave',
  'http_offer_set_task_fetch_interval',
  // 0.26 replaced -http_offer_set_timeout_ms (milliseconds) by this duration flag
  'http_offer_set_timeout',
  'probabilistic_priority_assigner_exponent',
  'probabilistic_priority_assigner_task_fetch_interval',
];

const version = (v: string, mesos: string, pluginFlags: readonly string[]): AuroraVersion => ({
  version: v,
  mesos,
  imageTag: v,
  pluginFlags,
});

export const AURORA_VERSIONS: readonly AuroraVersion[] = [
  version('0.22.0', '>= 1.5.0', []),
  version('0.23.0', '1.7.2', []),
  version('0.24.0', '1.8.1', HTTP_OFFER_SET_024),
  version('0.24.2', '1.8.1', HTTP_OFFER_SET_024),
  version('0.25.0', '1.8.1', HTTP_OFFER_SET_024),
  version('0.26.0', '1.9.0', HTTP_OFFER_SET_026),
  version('0.27.0', '1.9.0', HTTP_OFFER_SET_026),
];

export const DEFAULT_AURORA_VERSION = '0.22.0';
export const KNOWN_AURORA_VERSIONS = AURORA_VERSIONS.map((v) => v.version) as [string, ...string[]];

/** Every plugin flag of some supported version. */
export const PLUGIN_FLAGS: ReadonlySet<string> = new Set(AURORA_VERSIONS.flatMap((v) => v.pluginFlags));

/** The known version an image is tagged with, or undefined. */
export function versionOfImage(image: string): string | undefined {
  const tag = auroraVersionOfImage(image);
  return KNOWN_AURORA_VERSIONS.includes(tag) ? tag : undefined;
}

/** The version a cluster runs: spec.version, else its image's tag when that is a known version, else 0.22.0. */
export function effectiveAuroraVersion(spec: { version?: string | undefined; image: string }): string {
  return spec.version ?? versionOfImage(spec.image) ?? DEFAULT_AURORA_VERSION;
}

/** The versions whose scheduler has the plugin flag. */
export function versionsWithFlag(flag: string): string[] {
  return AURORA_VERSIONS.filter((v) => v.pluginFlags.includes(flag)).map((v) => v.version);
}

const PLUGIN_ARG = /^-([a-z0-9_]+)=/;

/** Why a plugin-flag entry cannot be passed to the given version, or undefined when it can (or is no plugin flag). */
export function pluginFlagProblem(arg: string, auroraVersion: string): string | undefined {
  const flag = PLUGIN_ARG.exec(arg)?.[1];
  if (flag === undefined || !PLUGIN_FLAGS.has(flag)) return undefined;
  const having = versionsWithFlag(flag);
  if (having.includes(auroraVersion)) return undefined;
  return (
    `-${flag} is a plugin flag of Aurora ${having.join(', ')} only; this cluster runs ${auroraVersion} ` +
    '(spec.version, else the image tag, else 0.22.0) and its scheduler would exit 1'
  );
}

/** The extraArgs entries the cluster's version cannot take, keyed by index. */
export function pluginFlagProblems(spec: {
  version?: string | undefined;
  image: string;
  extraArgs: readonly string[];
}): Map<number, string> {
  const auroraVersion = effectiveAuroraVersion(spec);
  const out = new Map<number, string>();
  spec.extraArgs.forEach((arg, i) => {
    const problem = pluginFlagProblem(arg, auroraVersion);
    if (problem) out.set(i, problem);
  });
  return out;
}

export const AuroraVersionField = z
  .enum(KNOWN_AURORA_VERSIONS, {
    error: `unknown Aurora version: the supported ones are ${KNOWN_AURORA_VERSIONS.join(', ')}`,
  })
  .optional()
  .describe(
    'Aurora version the image runs; it selects the scheduler flags extraArgs may use (docs/versions.md). ' +
      "Unset: the image's tag when it is a supported version, else 0.22.0.",
  );

// CEL mirror of pluginFlagProblem: one rule per group of flags present in the same versions. The version is given, or
// read from the image tag, else 0.22.0, which has no plugin flag.
function versionIn(versions: readonly string[]): string {
  const escaped = versions.map((v) => v.replaceAll('.', '\\\\.')).join('|');
  return (
    `(has(self.version) ? self.version in [${versions.map((v) => `'${v}'`).join(', ')}] : ` +
    `has(self.image) && self.image.matches(':(${escaped})(@.*)?$'))`
  );
}

function flagGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const flag of [...PLUGIN_FLAGS].sort()) {
    const key = versionsWithFlag(flag).join(',');
    groups.set(key, [...(groups.get(key) ?? []), flag]);
  }
  return groups;
}

export const PLUGIN_FLAG_RULES = [...flagGroups()].map(([key, flags]) => {
  const versions = key.split(',');
  return {
    rule:
      `!has(self.extraArgs) || !self.extraArgs.exists(a, a.matches('^-(${flags.join('|')})=')) || ` +
      versionIn(versions),
    fieldPath: '.extraArgs',
    message:
      `${flags.map((f) => `-${f}`).join(', ')}: plugin flags of Aurora ${versions.join(', ')} only ` +
      '(the version is spec.version, else the image tag, else 0.22.0)',
  };
});
