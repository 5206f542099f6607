// Going back from a fork release (0.23.0 and later) to Apache 0.22.0 needs spec.acknowledgeDowngrade: 0.22 does not
// know the ipAddr resource the fork accepts, so a log or a backup holding such a task may not load.
import { z } from 'zod';
import { DEFAULT_AURORA_VERSION, effectiveAuroraVersion, KNOWN_AURORA_VERSIONS } from './aurora-versions.ts';

const APACHE_VERSION = DEFAULT_AURORA_VERSION;
export const FORK_VERSIONS = KNOWN_AURORA_VERSIONS.filter((v) => v !== APACHE_VERSION);

export const AcknowledgeDowngradeField = z
  .boolean()
  .optional()
  .describe(
    'true allows changing the version from a fork release (0.23.0 or later) back to 0.22.0, which cannot read ' +
      'tasks with an ipAddr resource from the log or a backup (docs/versions.md). Remove it once the change is done.',
  );

interface VersionedSpec {
  version?: string | undefined;
  image: string;
}

export const DOWNGRADE_MESSAGE =
  'changing the version from a fork release (0.23.0 or later) to 0.22.0 needs spec.acknowledgeDowngrade: true: ' +
  'Aurora 0.22 cannot read tasks with an ipAddr resource, which the fork accepts, from the log or a backup ' +
  '(docs/versions.md: rehearse a restore with the 0.22.0 image first)';

/** The message refusing the change from old to next, or undefined when it is no unacknowledged downgrade. */
export function downgradeProblem(
  old: VersionedSpec,
  next: VersionedSpec & { acknowledgeDowngrade?: boolean | undefined },
): string | undefined {
  const leavesFork = effectiveAuroraVersion(old) !== APACHE_VERSION;
  const toApache = effectiveAuroraVersion(next) === APACHE_VERSION;
  return leavesFork && toApache && next.acknowledgeDowngrade !== true ? DOWNGRADE_MESSAGE : undefined;
}

/**
 * The tag of a fork release in FORK_VERSIONS, written short: the API server refuses the rule when its estimated cost
 * (two matches on the unbounded image) exceeds the budget, and the cost grows with the pattern's length.
 */
export const FORK_TAG_PATTERN = ':0\\.(2[3-7]\\.0|24\\.2)(@.*)?$';

// CEL mirror of effectiveAuroraVersion(x) != 0.22.0: the version given, else a fork version's tag on the image.
function runsFork(x: string): string {
  const celPattern = FORK_TAG_PATTERN.replaceAll('\\', '\\\\');
  return (
    `(has(${x}.version) ? ${x}.version != '${APACHE_VERSION}' : ` +
    `has(${x}.image) && ${x}.image.matches('${celPattern}'))`
  );
}

/** A transition rule on spec: the API server evaluates it on updates only, with oldSelf the stored spec. */
export const DOWNGRADE_RULE = {
  rule:
    `!${runsFork('oldSelf')} || ${runsFork('self')} || ` +
    '(has(self.acknowledgeDowngrade) && self.acknowledgeDowngrade)',
  message: DOWNGRADE_MESSAGE,
};
