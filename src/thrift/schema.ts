// Runtime descriptions of Thrift types, so one codec per protocol can walk any struct by field id.

export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;
export type TType = (typeof TType)[keyof typeof TType];

export type BaseType = 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary';

export interface ListSpec {
  readonly kind: 'list' | 'set';
  readonly elem: TypeSpec;
}

export interface MapSpec {
  readonly kind: 'map';
  readonly key: TypeSpec;
  readonly value: TypeSpec;
}

export interface FieldSpec {
  readonly id: number;
  readonly name: string;
  readonly type: TypeSpec;
}

export interface StructSpec {
  readonly kind: 'struct';
  readonly name: string;
  readonly union: boolean;
  readonly fields: readonly FieldSpec[];
}

export type TypeSpec = BaseType | ListSpec | MapSpec | StructSpec;

/** A decoded struct: field name to value; absent optional fields are missing keys. */
export type StructValue = Record<string, unknown>;

export function struct(name: string, fields: readonly [number, string, TypeSpec][]): StructSpec {
  return {
    kind: 'struct',
    name,
    union: false,
    fields: fields.map(([id, n, type]) => ({ id, name: n, type })),
  };
}

export function union(name: string, fields: readonly [number, string, TypeSpec][]): StructSpec {
  return { ...struct(name, fields), union: true };
}

export const list = (elem: TypeSpec): ListSpec => ({ kind: 'list', elem });
export const set = (elem: TypeSpec): ListSpec => ({ kind: 'set', elem });
export const map = (key: TypeSpec, value: TypeSpec): MapSpec => ({ kind: 'map', key, value });

const BASE_TTYPES: Record<BaseType, TType> = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
};

export function ttypeOf(spec: TypeSpec): TType {
  if (typeof spec === 'string') return BASE_TTYPES[spec];
  if (spec.kind === 'struct') return TType.STRUCT;
  if (spec.kind === 'map') return TType.MAP;
  return spec.kind === 'set' ? TType.SET : TType.LIST;
}

/** Map keys travel as strings in JS objects; numeric key types are converted back on write. */
export function mapKeyFromString(spec: TypeSpec, key: string): unknown {
  if (spec === 'string' || spec === 'binary') return key;
  if (spec === 'bool') return key === 'true';
  return Number(key);
}
