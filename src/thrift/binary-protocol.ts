// TBinaryProtocol (strict) encoder and decoder driven by the runtime schema in schema.ts.
import {
  TType,
  mapKeyFromString,
  ttypeOf,
  type StructSpec,
  type StructValue,
  type TypeSpec,
} from './schema.ts';

// One growing buffer instead of a Buffer per field (a 10k-task backup snapshot has ~200k fields); reserve() may
// replace the buffer, so it is always called before this.buf is read.
export class BinaryWriter {
  private buf = Buffer.allocUnsafe(4096);
  private length = 0;

  private reserve(size: number): number {
    if (this.length + size > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + size));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    const at = this.length;
    this.length += size;
    return at;
  }

  byte(v: number): void {
    const at = this.reserve(1);
    this.buf.writeInt8(v, at);
  }
  i16(v: number): void {
    const at = this.reserve(2);
    this.buf.writeInt16BE(v, at);
  }
  i32(v: number): void {
    const at = this.reserve(4);
    this.buf.writeInt32BE(v | 0, at);
  }
  i64(v: number | bigint): void {
    const at = this.reserve(8);
    this.buf.writeBigInt64BE(BigInt(typeof v === 'number' ? Math.trunc(v) : v), at);
  }
  double(v: number): void {
    const at = this.reserve(8);
    this.buf.writeDoubleBE(v, at);
  }
  bytes(v: Uint8Array): void {
    this.i32(v.length);
    const at = this.reserve(v.length);
    this.buf.set(v, at);
  }
  string(v: string): void {
    const size = Buffer.byteLength(v, 'utf8');
    this.i32(size);
    const at = this.reserve(size);
    this.buf.write(v, at, 'utf8');
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/** Raised when a value runs past the bytes at hand, which a streaming reader answers by reading more. */
export class EndOfDataError extends Error {
  constructor() {
    super('TBinaryProtocol: unexpected end of data');
    this.name = 'EndOfDataError';
  }
}

export class BinaryReader {
  private offset = 0;
  private readonly buf: Buffer;

  constructor(buf: Uint8Array) {
    this.buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private take(n: number): number {
    if (this.offset + n > this.buf.length) throw new EndOfDataError();
    const at = this.offset;
    this.offset += n;
    return at;
  }
  byte(): number {
    return this.buf.readInt8(this.take(1));
  }
  i16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  i32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  i64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }
  double(): number {
    return this.buf.readDoubleBE(this.take(8));
  }
  bytes(): Buffer {
    const len = this.i32();
    if (len < 0) throw new Error('TBinaryProtocol: negative length');
    const at = this.take(len);
    return Buffer.from(this.buf.subarray(at, at + len));
  }
  string(): string {
    return this.bytes().toString('utf8');
  }
  get remaining(): number {
    return this.buf.length - this.offset;
  }
}

export function writeValue(w: BinaryWriter, spec: TypeSpec, value: unknown): void {
  if (typeof spec === 'string') {
    writeBase(w, spec, value);
  } else if (spec.kind === 'struct') {
    writeStruct(w, spec, value as StructValue);
  } else if (spec.kind === 'map') {
    const entries = Object.entries(value as Record<string, unknown>);
    w.byte(ttypeOf(spec.key));
    w.byte(ttypeOf(spec.value));
    w.i32(entries.length);
    for (const [k, v] of entries) {
      writeValue(w, spec.key, mapKeyFromString(spec.key, k));
      writeValue(w, spec.value, v);
    }
  } else {
    const items = value as readonly unknown[];
    w.byte(ttypeOf(spec.elem));
    w.i32(items.length);
    for (const item of items) writeValue(w, spec.elem, item);
  }
}

function writeBase(w: BinaryWriter, spec: TypeSpec & string, value: unknown): void {
  switch (spec) {
    case 'bool':
      return w.byte(value ? 1 : 0);
    case 'byte':
      return w.byte(Number(value));
    case 'i16':
      return w.i16(Number(value));
    case 'i32':
      return w.i32(Number(value));
    case 'i64':
      return w.i64(value as number | bigint);
    case 'double':
      return w.double(Number(value));
    case 'string':
      return w.string(String(value));
    default:
      return w.bytes(value as Uint8Array);
  }
}

export function writeStruct(w: BinaryWriter, spec: StructSpec, value: StructValue): void {
  for (const field of spec.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    w.byte(ttypeOf(field.type));
    w.i16(field.id);
    writeValue(w, field.type, v);
  }
  w.byte(TType.STOP);
}

export function readValue(r: BinaryReader, spec: TypeSpec): unknown {
  if (typeof spec === 'string') return readBase(r, spec);
  if (spec.kind === 'struct') return readStruct(r, spec);
  if (spec.kind === 'map') {
    r.byte();
    r.byte();
    const size = r.i32();
    const out: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const k = readValue(r, spec.key);
      out[String(k)] = readValue(r, spec.value);
    }
    return out;
  }
  r.byte();
  const size = r.i32();
  const out: unknown[] = [];
  for (let i = 0; i < size; i++) out.push(readValue(r, spec.elem));
  return out;
}

function readBase(r: BinaryReader, spec: TypeSpec & string): unknown {
  switch (spec) {
    case 'bool':
      return r.byte() !== 0;
    case 'byte':
      return r.byte();
    case 'i16':
      return r.i16();
    case 'i32':
      return r.i32();
    case 'i64':
      return r.i64();
    case 'double':
      return r.double();
    case 'string':
      return r.string();
    default:
      return r.bytes();
  }
}

export function readStruct(r: BinaryReader, spec: StructSpec): StructValue {
  const out: StructValue = {};
  for (;;) {
    const type = r.byte();
    if (type === TType.STOP) return out;
    const id = r.i16();
    const field = spec.fields.find((f) => f.id === id);
    if (field && ttypeOf(field.type) === type) out[field.name] = readValue(r, field.type);
    else skip(r, type);
  }
}

/** Skips a value of a type the schema does not know, as generated code does for unknown fields. */
export function skip(r: BinaryReader, type: number): void {
  switch (type) {
    case TType.BOOL:
    case TType.BYTE:
      r.byte();
      return;
    case TType.I16:
      r.i16();
      return;
    case TType.I32:
      r.i32();
      return;
    case TType.I64:
    case TType.DOUBLE:
      r.i64();
      return;
    case TType.STRING:
      r.bytes();
      return;
    case TType.STRUCT:
      for (let t = r.byte(); t !== TType.STOP; t = r.byte()) {
        r.i16();
        skip(r, t);
      }
      return;
    default:
      skipContainer(r, type);
  }
}

function skipContainer(r: BinaryReader, type: number): void {
  if (type === TType.MAP) {
    const kt = r.byte();
    const vt = r.byte();
    const size = r.i32();
    for (let i = 0; i < size; i++) {
      skip(r, kt);
      skip(r, vt);
    }
  } else if (type === TType.LIST || type === TType.SET) {
    const et = r.byte();
    const size = r.i32();
    for (let i = 0; i < size; i++) skip(r, et);
  } else {
    throw new Error(`TBinaryProtocol: unknown type ${type}`);
  }
}

export function encodeBinaryStruct(spec: StructSpec, value: StructValue): Buffer {
  const w = new BinaryWriter();
  writeStruct(w, spec, value);
  return w.toBuffer();
}

export function decodeBinaryStruct(spec: StructSpec, buf: Uint8Array): StructValue {
  return readStruct(new BinaryReader(buf), spec);
}
