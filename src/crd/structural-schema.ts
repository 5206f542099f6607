// Turns a zod schema into a Kubernetes structural schema: openapi-3.0 JSON Schema plus a post-pass for CRD rules.
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

const FORBIDDEN_KEYS = [
  '$ref',
  'definitions',
  '$defs',
  'dependencies',
  'patternProperties',
  'additionalItems',
  'id',
  'uniqueItems',
  'propertyNames',
  'const',
];
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** toStructuralSchema converts a zod schema (input side, so defaults show) into a structural CRD schema. */
export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema;
  return structural(json, '');
}

function structural(node: JsonSchema, path: string): JsonSchema {
  for (const key of FORBIDDEN_KEYS) {
    if (key in node) throw new Error(`${path || '<root>'}: ${key} is not allowed in a structural schema`);
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return preserveUnknown(node);
  if (node['x-kubernetes-int-or-string'] === true) return intOrString(node);
  if ('anyOf' in node || 'oneOf' in node || 'allOf' in node) {
    throw new Error(`${path || '<root>'}: unions other than int-or-string are not supported`);
  }
  const out: JsonSchema = { ...node };
  if (out['additionalProperties'] === false) delete out['additionalProperties'];
  if (out['type'] === 'integer') narrowInteger(out);
  if (isSchema(out['properties'])) {
    out['properties'] = Object.fromEntries(
      Object.entries(out['properties']).map(([k, v]) => [k, structural(asSchema(v), `${path}.${k}`)]),
    );
  }
  if (isSchema(out['additionalProperties'])) {
    out['additionalProperties'] = structural(out['additionalProperties'], `${path}.*`);
  }
  if (isSchema(out['items'])) out['items'] = structural(out['items'], `${path}[]`);
  if (out['type'] === undefined) throw new Error(`${path || '<root>'}: every node needs a type`);
  return out;
}

function preserveUnknown(node: JsonSchema): JsonSchema {
  return {
    ...(typeof node['description'] === 'string' ? { description: node['description'] } : {}),
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  };
}

// the exact controller-gen shape; the apiserver rejects any other anyOf next to int-or-string
function intOrString(node: JsonSchema): JsonSchema {
  const kept = pick(node, ['description', 'default', 'x-kubernetes-validations']);
  return { ...kept, anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
}

function narrowInteger(out: JsonSchema): void {
  const min = typeof out['minimum'] === 'number' ? out['minimum'] : undefined;
  const max = typeof out['maximum'] === 'number' ? out['maximum'] : undefined;
  // zod's safe-integer bounds say nothing to a Kubernetes user
  if (min !== undefined && min <= -Number.MAX_SAFE_INTEGER) delete out['minimum'];
  if (max !== undefined && max >= Number.MAX_SAFE_INTEGER) delete out['maximum'];
  const within32 = min !== undefined && max !== undefined && min >= INT32_MIN && max <= INT32_MAX;
  out['format'] = within32 ? 'int32' : 'int64';
}

function pick(node: JsonSchema, keys: readonly string[]): JsonSchema {
  return Object.fromEntries(keys.filter((k) => k in node).map((k) => [k, node[k]]));
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchema(value: unknown): JsonSchema {
  if (!isSchema(value)) throw new Error('expected a schema object');
  return value;
}
