// The spec's version fields as AuroraClusterSpec takes them: spec.version with its plugin-flag rules, and
// spec.acknowledgeDowngrade with the downgrade rule.
import { AuroraVersionField, PLUGIN_FLAG_RULES } from './aurora-versions.ts';
import { AcknowledgeDowngradeField, DOWNGRADE_RULE } from './version-downgrade.ts';

export { pluginFlagProblems } from './aurora-versions.ts';

export const VERSION_FIELDS = {
  version: AuroraVersionField,
  acknowledgeDowngrade: AcknowledgeDowngradeField,
};

export const VERSION_RULES = [...PLUGIN_FLAG_RULES, DOWNGRADE_RULE];
