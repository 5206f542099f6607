// Walks a struct on a StreamingReader by its schema: each element of a list or set field is decoded alone and
// handed over, then dropped, and fields the schema does not know are passed over without being held.
import { readValue, skip } from './binary-protocol.ts';
import { TType, ttypeOf, type FieldSpec, type ListSpec, type StructSpec } from './schema.ts';
import type { StreamingReader } from './streaming-reader.ts';

export interface StructVisitor {
  /** a known field other than a list or set, decoded whole */
  field?(field: FieldSpec, value: unknown): void;
  /** a known list or set field begins, with its element count */
  begin?(field: FieldSpec, size: number): void;
  /** one element of a known list or set field */
  element?(field: FieldSpec, value: unknown): void;
}

function containerHeader(r: { byte(): number; i32(): number }): { elem: number; size: number } {
  const elem = r.byte();
  return { elem, size: r.i32() };
}

function checkSize(size: number): void {
  if (size < 0) throw new Error(`TBinaryProtocol: negative container size ${size}`);
}

async function streamElements(
  reader: StreamingReader,
  field: FieldSpec,
  spec: ListSpec,
  visitor: StructVisitor,
): Promise<void> {
  const { elem, size } = await reader.decode(containerHeader);
  checkSize(size);
  if (elem !== ttypeOf(spec.elem)) {
    throw new Error(`field ${field.name} holds elements of type ${elem}, not ${ttypeOf(spec.elem)}`);
  }
  visitor.begin?.(field, size);
  for (let i = 0; i < size; i++)
    visitor.element?.(field, await reader.decode((r) => readValue(r, spec.elem)));
}

/** skipStreaming passes over a value of any type; containers go element by element and strings unheld. */
export async function skipStreaming(reader: StreamingReader, type: number): Promise<void> {
  if (type === TType.STRING) {
    const length = await reader.decode((r) => r.i32());
    if (length < 0) throw new Error('TBinaryProtocol: negative length');
    return reader.skipBytes(length);
  }
  if (type === TType.STRUCT) {
    for (
      let t = await reader.decode((r) => r.byte());
      t !== TType.STOP;
      t = await reader.decode((r) => r.byte())
    ) {
      await reader.decode((r) => r.i16());
      await skipStreaming(reader, t);
    }
    return;
  }
  if (type === TType.MAP) {
    const { key, value, size } = await reader.decode((r) => ({
      key: r.byte(),
      value: r.byte(),
      size: r.i32(),
    }));
    checkSize(size);
    for (let i = 0; i < size; i++) {
      await reader.decode((r) => {
        skip(r, key);
        skip(r, value);
      });
    }
    return;
  }
  if (type === TType.LIST || type === TType.SET) {
    const { elem, size } = await reader.decode(containerHeader);
    checkSize(size);
    for (let i = 0; i < size; i++) await reader.decode((r) => skip(r, elem));
    return;
  }
  // fixed-size values, or an unknown type, which skip() refuses
  await reader.decode((r) => skip(r, type));
}

/** streamStruct reads one struct up to its STOP; a field whose wire type differs from the schema's is skipped. */
export async function streamStruct(
  reader: StreamingReader,
  spec: StructSpec,
  visitor: StructVisitor,
): Promise<void> {
  for (;;) {
    const type = await reader.decode((r) => r.byte());
    if (type === TType.STOP) return;
    const id = await reader.decode((r) => r.i16());
    const field = spec.fields.find((f) => f.id === id);
    if (!field || ttypeOf(field.type) !== type) {
      await skipStreaming(reader, type);
    } else if (typeof field.type !== 'string' && (field.type.kind === 'list' || field.type.kind === 'set')) {
      await streamElements(reader, field, field.type, visitor);
    } else {
      const spec = field.type;
      visitor.field?.(field, await reader.decode((r) => readValue(r, spec)));
    }
  }
}
