// TJSONProtocol value mapping (Apache Thrift's field-id keyed JSON) driven by the runtime schema.
import { mapKeyFromString, type StructSpec, type StructValue, type TypeSpec } from './schema.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const TAGS: Record<string, string> = {
  bool: 'tf',
  byte: 'i8',
  i16: 'i16',
  i32: 'i32',
  i64: 'i64',
  double: 'dbl',
  string: 'str',
  binary: 'str',
  struct: 'rec',
  map: 'map',
  list: 'lst',
  set: 'set',
};

export function tagOf(spec: TypeSpec): string {
  return TAGS[typeof spec === 'string' ? spec : spec.kind] ?? 'rec';
}

export function toJson(spec: TypeSpec, value: unknown): Json {
  if (typeof spec === 'string') return baseToJson(spec, value);
  if (spec.kind === 'struct') return structToJson(spec, value as StructValue);
  if (spec.kind === 'map') {
    const entries = Object.entries(value as Record<string, unknown>);
    const obj: Record<string, Json> = {};
    for (const [k, v] of entries) obj[k] = toJson(spec.value, v);
    return [tagOf(spec.key), tagOf(spec.value), entries.length, obj];
  }
  const items = value as readonly unknown[];
  return [tagOf(spec.elem), items.length, ...items.map((i) => toJson(spec.elem, i))];
}

function baseToJson(spec: TypeSpec & string, value: unknown): Json {
  if (spec === 'bool') return value ? 1 : 0;
  if (spec === 'string') return String(value);
  if (spec === 'binary') return Buffer.from(value as Uint8Array).toString('base64');
  const n = Number(value);
  if (spec === 'double' && !Number.isFinite(n))
    return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  return spec === 'double' ? n : Math.trunc(n);
}

export function structToJson(spec: StructSpec, value: StructValue): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of spec.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    out[String(field.id)] = { [tagOf(field.type)]: toJson(field.type, v) };
  }
  return out;
}

export function fromJson(spec: TypeSpec, json: unknown): unknown {
  if (typeof spec === 'string') return baseFromJson(spec, json);
  if (spec.kind === 'struct') return structFromJson(spec, json);
  if (!Array.isArray(json)) throw new Error(`TJSONProtocol: expected array for ${spec.kind}`);
  if (spec.kind === 'map') {
    const obj = (json[3] ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj))
      out[String(mapKeyFromString(spec.key, k))] = fromJson(spec.value, v);
    return out;
  }
  const count = Number(json[1]);
  return json.slice(2, 2 + count).map((item) => fromJson(spec.elem, item));
}

function baseFromJson(spec: TypeSpec & string, json: unknown): unknown {
  if (spec === 'bool') return json === true || json === 1;
  if (spec === 'string') return String(json);
  if (spec === 'binary') return Buffer.from(String(json), 'base64');
  // numbers are quoted only for NaN and the infinities of a double, as TJSONProtocol writes them
  if (
    typeof json === 'string' &&
    (spec === 'double' ? !Number.isNaN(Number(json)) || json === 'NaN' : /^-?\d+$/.test(json))
  )
    return Number(json);
  if (typeof json !== 'number' || (spec !== 'double' && !Number.isInteger(json)))
    throw new Error(`TJSONProtocol: expected ${spec === 'double' ? 'a number' : 'an integer'} for ${spec}`);
  return json;
}

export function structFromJson(spec: StructSpec, json: unknown): StructValue {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`TJSONProtocol: expected object for struct ${spec.name}`);
  }
  const obj = json as Record<string, unknown>;
  const out: StructValue = {};
  for (const field of spec.fields) {
    const wrapped = obj[String(field.id)] as Record<string, unknown> | undefined;
    if (wrapped === undefined || wrapped === null) continue;
    const tag = tagOf(field.type);
    // A field whose type tag differs from the schema is skipped, like generated code does.
    if (tag in wrapped) out[field.name] = fromJson(field.type, wrapped[tag]);
  }
  return out;
}

export function encodeJsonStruct(spec: StructSpec, value: StructValue): string {
  return JSON.stringify(structToJson(spec, value));
}

export function decodeJsonStruct(spec: StructSpec, text: string): StructValue {
  return structFromJson(spec, JSON.parse(text));
}
