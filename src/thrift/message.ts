// Thrift message envelopes (CALL, REPLY, EXCEPTION) for TJSON and strict TBinary over HTTP.
import { BinaryReader, BinaryWriter, readStruct, writeStruct } from './binary-protocol.ts';
import { structFromJson, structToJson } from './json-protocol.ts';
import { struct, type StructSpec, type StructValue } from './schema.ts';

export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export type Protocol = 'json' | 'binary';

export const TApplicationExceptionType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
} as const;

export const TApplicationExceptionSpec = struct('TApplicationException', [
  [1, 'message', 'string'],
  [2, 'type', 'i32'],
]);

export interface EncodedMessage {
  readonly name: string;
  readonly type: MessageType;
  readonly seqid: number;
  readonly spec: StructSpec;
  readonly body: StructValue;
}

export function encodeMessage(protocol: Protocol, msg: EncodedMessage): Buffer {
  if (protocol === 'json') {
    const json = [1, msg.name, msg.type, msg.seqid, structToJson(msg.spec, msg.body)];
    return Buffer.from(JSON.stringify(json), 'utf8');
  }
  const w = new BinaryWriter();
  w.i32((0x80010000 | msg.type) >> 0);
  w.string(msg.name);
  w.i32(msg.seqid);
  writeStruct(w, msg.spec, msg.body);
  return w.toBuffer();
}

export interface DecodedMessage {
  readonly name: string;
  readonly type: number;
  readonly seqid: number;
  /** Decodes the message body with the schema chosen after reading the method name. */
  readonly body: (spec: StructSpec) => StructValue;
}

export function decodeMessage(protocol: Protocol, data: Uint8Array): DecodedMessage {
  if (protocol === 'json') return decodeJsonMessage(Buffer.from(data).toString('utf8'));
  const r = new BinaryReader(data);
  const first = r.i32();
  let name: string;
  let type: number;
  if (first < 0) {
    if ((first & 0xffff0000) !== (0x80010000 | 0)) throw new Error('TBinaryProtocol: bad version in message');
    type = first & 0xff;
    name = r.string();
  } else {
    // Old non-strict framing: the first word is the name length.
    name = Buffer.from(readRaw(r, first)).toString('utf8');
    type = r.byte();
  }
  const seqid = r.i32();
  return { name, type, seqid, body: (spec) => readStruct(r, spec) };
}

function readRaw(r: BinaryReader, len: number): Buffer {
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(r.byte() & 0xff);
  return Buffer.from(out);
}

function decodeJsonMessage(text: string): DecodedMessage {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || parsed.length < 4 || parsed[0] !== 1) {
    throw new Error('TJSONProtocol: message must be [1, name, type, seqid, {...}]');
  }
  const [, name, type, seqid, body] = parsed as [number, unknown, unknown, unknown, unknown];
  if (typeof name !== 'string' || typeof type !== 'number' || typeof seqid !== 'number') {
    throw new Error('TJSONProtocol: malformed message header');
  }
  return { name, type, seqid, body: (spec) => structFromJson(spec, body ?? {}) };
}

/** Builds the REPLY result struct whose field 0 carries the method's return value. */
export function resultSpec(methodName: string, success: StructSpec): StructSpec {
  return struct(`${methodName}_result`, [[0, 'success', success]]);
}
