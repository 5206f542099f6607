// A restore pass takes the backup agents' token from the operator's Secret cache when it holds the Secret, so no
// pass waits on a Secret GET before its agent calls; without a cached copy it reads the Secret from the API server.
import type { KubernetesObject } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AGENT_TOKEN_KEY, RESTORE_FINALIZER } from '../../../src/api/contracts.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { createKubeClient } from '../../../src/k8s/kube-client.ts';
import type { SupervisedInformer } from '../../../src/k8s/supervised-informer.ts';
import { createLogger } from '../../../src/log.ts';
import { startRestoreController } from '../../../src/restore/controller.ts';
import { json, startFakeApiServer, status } from '../../support/fake-apiserver.ts';
import { waitFor } from '../../support/wait-for.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { makeRestore } from './fixtures.ts';

const restore = (() => {
  const r = makeRestore();
  return { ...r, metadata: { ...r.metadata, finalizers: [RESTORE_FINALIZER], resourceVersion: '7' } };
})();

/** onePass: the restore controller started against a fake API server until its first status write. */
async function onePass(agentToken: (() => string | undefined) | undefined): Promise<string[]> {
  const api = await startFakeApiServer((req, res) => {
    if (req.path.includes('/aurorarestores/') && req.method === 'GET') return json(res, 200, restore);
    if (req.path.includes('/secrets/'))
      return json(res, 200, { data: { [AGENT_TOKEN_KEY]: Buffer.from('t0ken').toString('base64') } });
    if (req.method === 'GET') return status(res, 404, 'NotFound', 'not found');
    return json(res, 200, {});
  });
  const restores = {
    onChange: () => undefined,
    cache: { list: () => [restore], get: () => restore },
  } as unknown as SupervisedInformer<KubernetesObject>;
  const client = api.client();
  const running = startRestoreController({
    client,
    kube: createKubeClient(client),
    log: createLogger('test', 'silent'),
    metrics: createControllerMetrics(),
    restores,
    synced: () => true,
    getCluster: () => makeCluster(),
    statefulSet: () => undefined,
    pods: () => [],
    ...(agentToken ? { agentToken } : {}),
    limit: createLimiter(4),
    probeTimeoutMs: 500,
    rpcTimeoutMs: 500,
    operatorPeer: { namespace: 'aurora', matchLabels: { app: 'aurora-operator' } },
    workers: 1,
    activeRequeueMs: 60_000,
  });
  try {
    // the first status write comes after the pass observed the world, which made the agent client
    await waitFor(
      'the first status write',
      5000,
      async () => api.seen.some((r) => r.path.endsWith('/status')) || undefined,
      20,
    );
    return api.seen.filter((r) => r.method === 'GET').map((r) => r.path);
  } finally {
    await running.stop();
    await api.close();
  }
}

test('with the Secret cached, a pass reads no Secret from the API server', async () => {
  const gets = await onePass(() => 't0ken');
  assert.ok(
    gets.some((p) => p.includes('/aurorarestores/')),
    `the pass read its restore: ${gets.join(' ')}`,
  );
  assert.equal(
    gets.filter((p) => p.includes('/secrets/')),
    [],
  );
});

test('without a cached copy, the pass reads the Secret', async () => {
  const cacheEmpty = await onePass(() => undefined);
  assert.ok(
    cacheEmpty.some((p) => p.includes('/secrets/')),
    `an empty cache falls back to a GET: ${cacheEmpty.join(' ')}`,
  );
  const noCache = await onePass(undefined);
  assert.ok(
    noCache.some((p) => p.includes('/secrets/')),
    `no cache at all: ${noCache.join(' ')}`,
  );
});

test.run();
