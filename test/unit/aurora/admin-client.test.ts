import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AuroraHttpError,
  AuroraRpcError,
  createAuroraAdminClient,
  type AuroraAdminClient,
} from '../../../src/aurora/admin-client.ts';
import { ResponseSpec } from '../../../src/thrift/api-schema.ts';
import { ResponseCode } from '../../../src/thrift/api-types.ts';
import { decodeMessage, encodeMessage, MessageType, resultSpec } from '../../../src/thrift/message.ts';

type Reply = {
  status: number;
  headers?: Record<string, string>;
  response?: Record<string, unknown>;
  delayMs?: number;
};

let server: Server;
let base: string;
let next: Reply = { status: 200 };
let seen: { headers: IncomingHttpHeaders; method: string } | undefined;

test.before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const msg = decodeMessage('json', Buffer.concat(chunks));
      seen = { headers: req.headers, method: msg.name };
      const reply = next;
      const send = (): void => {
        if (reply.status !== 200) return void res.writeHead(reply.status, reply.headers).end('no');
        const body = { success: reply.response ?? { responseCode: ResponseCode.OK } };
        const spec = resultSpec(msg.name, ResponseSpec);
        res.end(
          encodeMessage('json', { name: msg.name, type: MessageType.REPLY, seqid: msg.seqid, spec, body }),
        );
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(() => {
  server.closeAllConnections();
  server.close();
});

const client = (bypass = false): AuroraAdminClient =>
  createAuroraAdminClient({ baseUrl: base, timeoutMs: 500, bypassLeaderRedirect: bypass });

test('listBackups posts TJSON and returns the backup names', async () => {
  next = {
    status: 200,
    response: { responseCode: 1, result: { listBackupsResult: { backups: ['b1', 'b2'] } } },
  };
  assert.equal(await client(true).listBackups(), ['b1', 'b2']);
  assert.is(seen?.method, 'listBackups');
  assert.is(seen?.headers['content-type'], 'application/vnd.apache.thrift.json');
  assert.is(seen?.headers['bypass-leader-redirect'], 'true');
});

test('ERROR_TRANSIENT is a transient AuroraRpcError', async () => {
  next = { status: 200, response: { responseCode: 6, details: [{ message: 'Storage is not READY' }] } };
  const err = await client()
    .snapshot()
    .catch((e: unknown) => e);
  assert.instance(err, AuroraRpcError);
  assert.is((err as AuroraRpcError).responseCode, ResponseCode.ERROR_TRANSIENT);
  assert.is((err as AuroraRpcError).code, 'AURORA_ERROR_TRANSIENT');
  assert.not.ok((err as AuroraRpcError).terminal);
  assert.ok((err as AuroraRpcError).transient);
  assert.equal((err as AuroraRpcError).messages, ['Storage is not READY']);
  assert.is(seen?.headers['bypass-leader-redirect'], undefined);
});

test('a 307 is not followed and names the Location', async () => {
  next = { status: 307, headers: { location: 'http://127.0.0.9:8081/api' } };
  const err = await client()
    .performBackup()
    .catch((e: unknown) => e);
  assert.instance(err, AuroraHttpError);
  assert.is((err as AuroraHttpError).status, 307);
  assert.is((err as AuroraHttpError).code, 'AURORA_HTTP_STATUS');
  assert.is((err as AuroraHttpError).location, 'http://127.0.0.9:8081/api');
  assert.match((err as Error).message, 'http://127.0.0.9:8081/api');
});

test('every call has a timeout', async () => {
  next = { status: 200, delayMs: 1500 };
  const err = await client()
    .commitRecovery()
    .catch((e: unknown) => e);
  assert.instance(err, AuroraHttpError);
  assert.match((err as Error).message, 'timed out after 500ms');
  assert.is((err as AuroraHttpError).code, 'AURORA_UNREACHABLE');
});

test.run();
