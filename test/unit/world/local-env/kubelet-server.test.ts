// The pod runtime's kubelet log API over real TLS: the apiserver's client certificate is required, and logs are
// served whole, tailed, limited and followed until their run ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../../../src/log.ts';
import { ensureCerts, NODE_IP } from '../../../world/local-env/certs.ts';
import {
  startKubeletServer,
  type KubeletServer,
} from '../../../world/local-env/pod-runtime/kubelet-server.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-server-'));
const certs = ensureCerts(dir).kubelet;
const containerDir = path.join(dir, 'logs', 'main');
let ended = false;
let server: KubeletServer;
const apiserver = new Agent({
  connect: {
    ca: fs.readFileSync(certs.caFile),
    cert: fs.readFileSync(certs.apiserverClientCertFile),
    key: fs.readFileSync(certs.apiserverClientKeyFile),
  },
});
const anonymous = new Agent({ connect: { ca: fs.readFileSync(certs.caFile) } });

test.before(async () => {
  fs.mkdirSync(containerDir, { recursive: true });
  fs.writeFileSync(path.join(containerDir, '0.log'), 'first run\n');
  fs.writeFileSync(path.join(containerDir, '1.log'), 'a\nb\nc\n');
  server = await startKubeletServer({
    host: NODE_IP,
    certs,
    find: (ns, pod, container) =>
      ns === 'ns' && pod === 'p' && container === 'main'
        ? { containerDir, runEnded: () => ended }
        : undefined,
    log: createLogger('kubelet-server-test', 'error'),
    followPollMs: 20,
  });
});

test.after(async () => {
  await server.close();
  await Promise.all([apiserver.close(), anonymous.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get(query: string, agent = apiserver): Promise<{ status: number; body: string }> {
  const url = `https://${NODE_IP}:${server.port}/containerLogs/ns/p/main${query}`;
  const res = await request(url, { dispatcher: agent });
  return { status: res.statusCode, body: await res.body.text() };
}

test('the newest run, its last lines, a byte limit and the previous run', async () => {
  assert.equal(await get(''), { status: 200, body: 'a\nb\nc\n' });
  assert.equal(await get('?tailLines=2'), { status: 200, body: 'b\nc\n' });
  assert.equal(await get('?limitBytes=3'), { status: 200, body: 'a\nb' });
  assert.equal(await get('?previous=true'), { status: 200, body: 'first run\n' });
});

test('timestamps date each line by the recorded arrivals; sinceSeconds skips older lines', async () => {
  const times = path.join(containerDir, '1.times');
  const recent = Date.now() - 5000;
  fs.writeFileSync(times, `2 ${Date.parse('2026-12-06T04:00:00Z')}\n6 ${recent}\n`);
  try {
    const stamped = await get('?timestamps=true');
    const at = new Date(recent).toISOString();
    assert.is(stamped.body, `2026-12-06T04:00:00.000Z a\n${at} b\n${at} c\n`);
    assert.is((await get('?sinceSeconds=60')).body, 'b\nc\n');
  } finally {
    fs.rmSync(times);
  }
});

test('a caller without the apiserver client certificate is refused', async () => {
  const res = await get('', anonymous);
  assert.is(res.status, 401);
  assert.match(res.body, /client certificate/);
});

test('unknown containers and unsupported options are answered with the reason', async () => {
  const res = await request(`https://${NODE_IP}:${server.port}/containerLogs/ns/p/other`, {
    dispatcher: apiserver,
  });
  assert.is(res.statusCode, 404);
  assert.match(await res.body.text(), /container other of pod ns\/p is not on this node/);
  const split = await get('?stream=Stdout');
  assert.is(split.status, 400);
  assert.match(split.body, /stdout and stderr share one log file/);
});

test('follow streams output written later and ends when the run ends', async () => {
  ended = false;
  const url = `https://${NODE_IP}:${server.port}/containerLogs/ns/p/main?follow=true&tailLines=1`;
  const res = await request(url, { dispatcher: apiserver });
  assert.is(res.statusCode, 200);
  const chunks: string[] = [];
  const done = (async () => {
    for await (const chunk of res.body) chunks.push(String(chunk));
  })();
  await new Promise((r) => setTimeout(r, 100));
  fs.appendFileSync(path.join(containerDir, '1.log'), 'later\n');
  const deadline = Date.now() + 5000;
  while (!chunks.join('').includes('later') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.is(chunks.join(''), 'c\nlater\n');
  ended = true;
  await done;
  assert.is(chunks.join(''), 'c\nlater\n');
});

test.run();
