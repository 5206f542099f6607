// Who gets the backup-agent token: only pods the cluster's StatefulSet controls, at the IP each pod reports.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient } from '../../../src/agent/agent-client.ts';
import { agentHostGuard, computeAgentHosts } from '../../../src/agent/agent-targets.ts';

const STS: V1StatefulSet = { metadata: { name: 'example', namespace: 'aurora', uid: 'sts-uid' } };
const LABELS = { 'app.kubernetes.io/managed-by': 'aurora-operator', 'aurora-operator.io/cluster': 'example' };

function pod(
  name: string,
  ip: string | undefined,
  owner?: { uid: string; controller?: boolean },
  ns = 'aurora',
): V1Pod {
  return {
    metadata: {
      name,
      namespace: ns,
      labels: LABELS,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'StatefulSet',
                name: 'example',
                uid: owner.uid,
                controller: owner.controller ?? true,
              },
            ],
          }
        : {}),
    },
    ...(ip ? { status: { podIP: ip } } : {}),
  };
}

test('only owned pods with an IP, in the StatefulSet namespace, are token recipients', () => {
  const hosts = computeAgentHosts(STS, [
    pod('example-0', '127.2.0.10', { uid: 'sts-uid' }),
    pod('impostor', '127.2.0.66'),
    pod('other-owner', '127.2.0.67', { uid: 'someone-else' }),
    pod('not-controller', '127.2.0.68', { uid: 'sts-uid', controller: false }),
    pod('example-1', undefined, { uid: 'sts-uid' }),
    pod('elsewhere', '127.2.0.69', { uid: 'sts-uid' }, 'other'),
  ]);
  assert.equal([...hosts], ['127.2.0.10']);
});

test('no StatefulSet, no recipients', () => {
  assert.equal([...computeAgentHosts(undefined, [pod('example-0', '127.2.0.10', { uid: 'sts-uid' })])], []);
});

test('the guard reads the caches on each call, so a pod that moved loses the token', () => {
  let pods = [pod('example-0', '127.2.0.10', { uid: 'sts-uid' })];
  const trusted = agentHostGuard(
    () => STS,
    () => pods,
  );
  assert.ok(trusted('127.2.0.10'));
  pods = [pod('example-0', '127.2.0.11', { uid: 'sts-uid' })];
  assert.not.ok(trusted('127.2.0.10'));
  assert.ok(trusted('127.2.0.11'));
});

test('the client sends nothing to an untrusted host: no connection, AGENT_UNTRUSTED_TARGET', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('{"backups":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const client = createAgentClient({
      token: 'secret-token',
      timeoutMs: 2000,
      copyTimeoutMs: 2000,
      trusted: (host) => host === '127.0.0.2',
    });
    const at = { host: '127.0.0.1', port };
    for (const call of [
      () => client.listBackups(at),
      () => client.listMarkers(at),
      () => client.markSucceeded(at, 'r1'),
      () => client.copyBackup({ host: '127.0.0.2', port }, at, 'scheduler-backup-2024-01-31-23-00'),
    ]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e as { code?: string; message?: string },
      );
      assert.is(err?.code, 'AGENT_UNTRUSTED_TARGET');
      assert.match(err?.message ?? '', "127.0.0.1 is not the IP of a pod owned by the cluster's StatefulSet");
    }
    assert.is(requests, 0, 'the server saw no request');
  } finally {
    server.close();
  }
});

test.run();
