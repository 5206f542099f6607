// `aurora-operator render -f cluster.yaml [-o yaml|json] [--version <v>]`: prints every object the operator would
// create; --version checks the manifest as if spec.version were that Aurora release.
import { parseArgs } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import type { z } from 'zod';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import { computeImageVersionWarning } from '../cluster/image-version-agreement.ts';
import { buildDesiredResources } from '../resources/desired-resources.ts';
import type { SchedulerMode } from '../resources/scheduler-args.ts';
import type { CliIo, Command } from './command.ts';

export type RenderFormat = 'yaml' | 'json';

export type RenderResult = { ok: true; output: string; warnings: string[] } | { ok: false; errors: string[] };

/** formatIssues turns zod issues into `path: message` lines a user can act on. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${path.replace(/^\./, '') || '<root>'}: ${issue.message}`;
  });
}

/** renderCluster is pure: manifest text in, rendered objects or validation errors out. */
export function renderCluster(
  text: string,
  format: RenderFormat,
  mode: SchedulerMode = 'normal',
  version?: string,
): RenderResult {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return { ok: false, errors: ['input is not a YAML stream'] };
  const syntax = docs.flatMap((d) => d.errors.map((e) => `yaml: ${e.message}`));
  if (syntax.length > 0) return { ok: false, errors: syntax };
  const values = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length !== 1) {
    return { ok: false, errors: [`expected exactly one AuroraCluster document, found ${values.length}`] };
  }
  const parsed = AuroraCluster.safeParse(version === undefined ? values[0] : withVersion(values[0], version));
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues) };
  const objects = buildDesiredResources(parsed.data, { mode });
  const output =
    format === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
      : objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
  const warning = computeImageVersionWarning(parsed.data.spec);
  return { ok: true, output, warnings: warning ? [`${warning.reason}: ${warning.message}`] : [] };
}

/** withVersion sets spec.version on a parsed manifest, leaving anything that is no object for the schema to refuse. */
function withVersion(manifest: unknown, version: string): unknown {
  if (typeof manifest !== 'object' || manifest === null) return manifest;
  const { spec } = manifest as { spec?: unknown };
  if (typeof spec !== 'object' || spec === null) return manifest;
  return { ...manifest, spec: { ...spec, version } };
}

const USAGE =
  'usage: aurora-operator render -f <cluster.yaml|-> [-o yaml|json] [--mode normal|recovery] [--version <aurora version>]';

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        file: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o', default: 'yaml' },
        mode: { type: 'string', default: 'normal' },
        version: { type: 'string' },
      },
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { file, output, mode, version } = values;
  if (!file || (output !== 'yaml' && output !== 'json') || (mode !== 'normal' && mode !== 'recovery')) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await io.readFile(file);
  } catch (err) {
    io.stderr(`error: cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const result = renderCluster(text, output, mode, version);
  if (!result.ok) {
    io.stderr(
      `error: ${file} is not a valid AuroraCluster:\n${result.errors.map((e) => `  ${e}\n`).join('')}`,
    );
    return 1;
  }
  for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout(result.output);
  return 0;
}

export const renderCommand: Command = {
  summary: 'print every object the operator would create for an AuroraCluster manifest',
  usage: USAGE,
  run,
};
