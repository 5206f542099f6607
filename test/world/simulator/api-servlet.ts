// POST /api: TContentAwareServlet's exact-match protocol choice by Content-Type/Accept, then Thrift dispatch.
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

const THRIFT_JSON = 'application/vnd.apache.thrift.json';
const BINARY_TYPE = 'application/vnd.apache.thrift.binary';

/** A Guava-style MediaType: lower-cased type/subtype, parameters with lower-cased names and charset values. */
export function parseMediaType(header: string): string | undefined {
  const [essence = '', ...params] = header.split(';').map((p) => p.trim());
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(essence)) return undefined;
  const normalized: string[] = [];
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    normalized.push(`${name}=${name === 'charset' ? value.toLowerCase() : value}`);
  }
  return [essence.toLowerCase(), ...normalized.sort()].join('; ');
}

// ApiModule's input mapping, looked up by exact MediaType equality (parameters included).
const INPUT: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ['application/json', 'json'],
  ['application/x-thrift', 'json'],
  [THRIFT_JSON, 'json'],
  [`${THRIFT_JSON}; charset=utf-8`, 'json'],
  [BINARY_TYPE, 'binary'],
]);

export type ContentTypeChoice = Protocol | 'unsupported' | 'unparseable';

/** The request protocol; no Content-Type means application/x-thrift (TJSON). */
export function protocolForContentType(header: string | undefined): ContentTypeChoice {
  if (header === undefined) return 'json';
  const type = parseMediaType(header);
  if (type === undefined) return 'unparseable';
  return INPUT.get(type) ?? 'unsupported';
}

/** The reply protocol follows a single parseable Accept type; every TJSON reply is labelled THRIFT_JSON. */
export function replyFormat(accept: string | undefined): { protocol: Protocol; contentType: string } {
  const type = accept === undefined ? undefined : parseMediaType(accept);
  if (type !== undefined && INPUT.get(type) === 'binary')
    return { protocol: 'binary', contentType: BINARY_TYPE };
  return { protocol: 'json', contentType: THRIFT_JSON };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** What Jetty answers when the servlet throws: HTTP 500 with an HTML error page, no Thrift message. */
function servletError(res: ServerResponse, err: unknown): void {
  const reason = err instanceof Error ? err.message : String(err);
  const html = `<html><body><h2>HTTP ERROR 500</h2><p>Problem accessing /api. Reason: ${reason}</p></body></html>\n`;
  res.writeHead(500, { 'content-type': 'text/html;charset=iso-8859-1' }).end(html);
}

export async function serveApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = req.headers['content-type'];
  const protocol = protocolForContentType(header);
  // MediaType.parse throws on a malformed header before the servlet looks anything up
  if (protocol === 'unparseable') return servletError(res, new Error(`Could not parse '${header}'`));
  if (protocol === 'unsupported') {
    res.writeHead(415).end(`Unsupported Content-Type: ${header}`);
    return;
  }
  const { protocol: out, contentType } = replyFormat(req.headers['accept']);
  const body = await readBody(req);
  let msg;
  let args;
  try {
    // a body the processor cannot read escapes TContentAwareServlet as a ServletException
    msg = decodeMessage(protocol, body);
    const spec = argsSpecOf(msg.name);
    if (!spec || !KNOWN_METHODS.has(msg.name)) {
      const ex = {
        message: `Invalid method name: '${msg.name}'`,
        type: TApplicationExceptionType.UNKNOWN_METHOD,
      };
      return send(res, contentType, encodeMessage(out, exception(msg.name, msg.seqid, ex)));
    }
    args = msg.body(spec);
  } catch (err) {
    return servletError(res, err);
  }
  const response = await dispatch(ctx, msg.name, args);
  const reply = { success: response as unknown as StructValue };
  const bytes = encodeMessage(out, {
    name: msg.name,
    type: MessageType.REPLY,
    seqid: msg.seqid,
    spec: resultSpec(msg.name, ResponseSpec),
    body: reply,
  });
  send(res, contentType, bytes);
}

function exception(name: string, seqid: number, body: StructValue) {
  return { name, type: MessageType.EXCEPTION, seqid, spec: TApplicationExceptionSpec, body };
}

function send(res: ServerResponse, contentType: string, bytes: Buffer): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length }).end(bytes);
}
