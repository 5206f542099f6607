// POST /api: TContentAwareServlet's protocol choice by Content-Type/Accept, then Thrift dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResponseSpec } from '../../../src/thrift/api-schema.ts';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  resultSpec,
  TApplicationExceptionSpec,
  TApplicationExceptionType,
  type Protocol,
} from '../../../src/thrift/message.ts';
import type { StructValue } from '../../../src/thrift/schema.ts';
import { argsSpecOf } from '../../../src/thrift/service-schema.ts';
import { dispatch, KNOWN_METHODS, type ApiContext } from './thrift-api.ts';

const JSON_TYPES = ['application/vnd.apache.thrift.json', 'application/json', 'application/x-thrift'];
const BINARY_TYPE = 'application/vnd.apache.thrift.binary';

/** undefined means unsupported (415); a missing Content-Type means TJSON. */
export function protocolForContentType(header: string | undefined): Protocol | undefined {
  if (header === undefined || header.trim() === '') return 'json';
  const mime = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (mime === BINARY_TYPE) return 'binary';
  return JSON_TYPES.includes(mime) ? 'json' : undefined;
}

/** The reply protocol and Content-Type follow Accept; anything else gets TJSON as application/json. */
export function replyFormat(accept: string | undefined): { protocol: Protocol; contentType: string } {
  const types = (accept ?? '').split(',').map((t) => (t.split(';')[0] ?? '').trim().toLowerCase());
  if (types.includes(BINARY_TYPE)) return { protocol: 'binary', contentType: BINARY_TYPE };
  const json = types.find((t) => JSON_TYPES.includes(t));
  return { protocol: 'json', contentType: json ?? 'application/json' };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function serveApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const protocol = protocolForContentType(req.headers['content-type']);
  if (!protocol) {
    res
      .writeHead(415, { 'content-type': 'text/plain' })
      .end(`Unsupported Content-Type: ${req.headers['content-type']}`);
    return;
  }
  const { protocol: out, contentType } = replyFormat(req.headers['accept']);
  const body = await readBody(req);
  let name = '';
  let seqid = 0;
  try {
    const msg = decodeMessage(protocol, body);
    name = msg.name;
    seqid = msg.seqid;
    const spec = argsSpecOf(name);
    if (!spec || !KNOWN_METHODS.has(name)) {
      const ex = {
        message: `Invalid method name: '${name}'`,
        type: TApplicationExceptionType.UNKNOWN_METHOD,
      };
      return send(res, contentType, encodeMessage(out, exception(name, seqid, ex)));
    }
    const response = await dispatch(ctx, name, msg.body(spec));
    const reply = { success: response as unknown as StructValue };
    const bytes = encodeMessage(out, {
      name,
      type: MessageType.REPLY,
      seqid,
      spec: resultSpec(name, ResponseSpec),
      body: reply,
    });
    send(res, contentType, bytes);
  } catch (err) {
    const ex = { message: (err as Error).message, type: TApplicationExceptionType.PROTOCOL_ERROR };
    send(res, contentType, encodeMessage(out, exception(name, seqid, ex)));
  }
}

function exception(name: string, seqid: number, body: StructValue) {
  return { name, type: MessageType.EXCEPTION, seqid, spec: TApplicationExceptionSpec, body };
}

function send(res: ServerResponse, contentType: string, bytes: Buffer): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length }).end(bytes);
}
