// Renders docs/cluster-reference.md from the generated CRDs' structural schemas; `npm run docs:reference` rewrites it.
import { writeFileSync } from 'node:fs';
import { GROUP, VERSION } from '../api/group.ts';
import { buildCrdFiles } from './aurora-crds.ts';
import type { CustomResourceDefinition } from './custom-resource-definition.ts';
import type { JsonSchema } from './structural-schema.ts';

export const REFERENCE_DOC_PATH = 'docs/cluster-reference.md';

interface FieldRow {
  readonly path: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly validation: string;
  readonly description: string;
}

/** renderReferenceDoc is pure: the same schemas in src/api always give the same page. */
export function renderReferenceDoc(
  crds: readonly CustomResourceDefinition[] = buildCrdFiles().map((file) => file.crd),
): string {
  const lines = [
    '# AuroraCluster and AuroraRestore reference',
    '',
    '<!-- Generated from the zod schemas in src/api by `npm run docs:reference`; do not edit by hand. -->',
    '',
    `Every field of both kinds of \`${GROUP}/${VERSION}\`, read from the same structural schemas as the CRDs in`,
    '`crds/`. **Default** is the value the API server fills in (`required` when it must be given, `—` when it stays',
    'unset and Aurora or the operator decides); **Validation** is what the API server checks besides the type. What',
    'each field turns into (scheduler flags, pod spec) is in [cluster.md](cluster.md#auroracluster-spec-and-scheduler-flags).',
  ];
  for (const crd of crds) lines.push('', ...renderKind(crd));
  return `${lines.join('\n')}\n`;
}

function renderKind(crd: CustomResourceDefinition): string[] {
  const { names } = crd.spec;
  const version = crd.spec.versions[0];
  if (version === undefined) throw new Error(`${names.kind}: the CRD has no version`);
  const root = version.schema.openAPIV3Schema;
  const columns = version.additionalPrinterColumns.map((c) => `${c.name} (\`${c.jsonPath}\`)`).join(', ');
  const lines = [
    `## ${names.kind}`,
    '',
    `${String(root['description'])} Namespaced; plural \`${names.plural}\`, short names ${names.shortNames
      .map((s) => `\`${s}\``)
      .join(', ')}. \`kubectl get\` columns: ${columns}.`,
  ];
  for (const part of ['spec', 'status'] as const) {
    const schema = properties(root)[part];
    if (schema === undefined) throw new Error(`${names.kind}: the schema has no ${part}`);
    lines.push('', `### ${names.kind} \`${part}\``, '');
    lines.push('| Field | Type | Default | Validation | Description |', '|---|---|---|---|---|');
    const rows: FieldRow[] = [];
    collectFields(schema, part, requiredOf(root).includes(part), rows);
    for (const row of rows) {
      const cells = [`\`${row.path}\``, row.type, row.defaultValue, row.validation, row.description];
      lines.push(`| ${cells.map(cell).join(' | ')} |`);
    }
  }
  return lines;
}

function collectFields(node: JsonSchema, path: string, required: boolean, rows: FieldRow[]): void {
  rows.push({
    path,
    type: typeOf(node),
    defaultValue: 'default' in node ? code(JSON.stringify(node['default'])) : required ? 'required' : '—',
    validation: validationOf(node),
    description: typeof node['description'] === 'string' ? node['description'] : '',
  });
  const items = asSchema(node['items']);
  const element = items ?? node;
  const prefix = items === undefined ? path : `${path}[]`;
  for (const [name, child] of Object.entries(properties(element))) {
    collectFields(child, `${prefix}.${name}`, requiredOf(element).includes(name), rows);
  }
  const values = asSchema(node['additionalProperties']);
  if (values !== undefined && Object.keys(properties(values)).length > 0) {
    for (const [name, child] of Object.entries(properties(values))) {
      collectFields(child, `${path}.<key>.${name}`, requiredOf(values).includes(name), rows);
    }
  }
}

function typeOf(node: JsonSchema): string {
  if (node['x-kubernetes-int-or-string'] === true) return 'integer or string';
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return 'object (any fields)';
  const type = String(node['type']);
  if (type === 'array') {
    const items = asSchema(node['items']);
    return `[]${items === undefined ? 'any' : typeOf(items)}`;
  }
  const values = asSchema(node['additionalProperties']);
  if (type === 'object' && values !== undefined) return `map[string]${typeOf(values)}`;
  if (typeof node['format'] === 'string') return `${type} (${node['format']})`;
  return type;
}

function validationOf(node: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(node['enum']))
    parts.push(`one of ${node['enum'].map((v) => code(String(v))).join(', ')}`);
  // openapi-3.0 marks a strict bound with a boolean beside the number
  if (node['exclusiveMinimum'] === true && typeof node['minimum'] === 'number') {
    parts.push(`greater than ${node['minimum']}`);
    if (typeof node['maximum'] === 'number') parts.push(`at most ${node['maximum']}`);
  } else range(parts, node, 'minimum', 'maximum', '');
  range(parts, node, 'minLength', 'maxLength', ' characters');
  range(parts, node, 'minItems', 'maxItems', ' items');
  range(parts, node, 'minProperties', 'maxProperties', ' entries');
  if (typeof node['pattern'] === 'string') parts.push(`matches ${code(node['pattern'])}`);
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])) {
    parts.push(`list keyed by ${node['x-kubernetes-list-map-keys'].map((k) => code(String(k))).join(', ')}`);
  }
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    for (const rule of rules as JsonSchema[]) {
      const text = `CEL: ${typeof rule['message'] === 'string' ? rule['message'] : String(rule['rule'])}`;
      // two rules of one field may share the message they report, and a reader needs it once
      if (!parts.includes(text)) parts.push(text);
    }
  }
  return parts.join('; ');
}

function range(parts: string[], node: JsonSchema, minKey: string, maxKey: string, unit: string): void {
  const min = node[minKey];
  const max = node[maxKey];
  if (typeof min === 'number' && typeof max === 'number') parts.push(`${min}–${max}${unit}`);
  else if (min === 1 && unit !== '') parts.push('not empty');
  else if (typeof min === 'number') parts.push(`at least ${min}${unit}`);
  else if (typeof max === 'number') parts.push(`at most ${max}${unit}`);
}

function properties(node: JsonSchema): Record<string, JsonSchema> {
  const props = asSchema(node['properties']);
  if (props === undefined) return {};
  return Object.fromEntries(
    Object.entries(props).flatMap(([k, v]) => {
      const schema = asSchema(v);
      return schema === undefined ? [] : [[k, schema]];
    }),
  );
}

function requiredOf(node: JsonSchema): string[] {
  return Array.isArray(node['required']) ? node['required'].map(String) : [];
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

function code(text: string): string {
  // a backtick inside the text would end the code span early, so a longer fence is used
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

// a table cell is one line, and a bare pipe would split it
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

if (import.meta.main) {
  writeFileSync(new URL(`../../${REFERENCE_DOC_PATH}`, import.meta.url), renderReferenceDoc());
}
