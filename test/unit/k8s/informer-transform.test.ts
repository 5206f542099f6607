// An informer's transform decides what its cache keeps: listed, added, modified and deleted objects all pass through
// it, and the operator's pod informer keeps projectPod's copy while its StatefulSet informer keeps the whole object.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1Pod } from '@kubernetes/client-node';
import { buildInformers } from '../../../src/controller/operator-informers.ts';
import { projectPod } from '../../../src/k8s/pod-projection.ts';
import { ListWatch } from '../../../src/k8s/rest/list-watch.ts';
import { createLogger } from '../../../src/log.ts';
import type { OperatorConfig } from '../../../src/config.ts';
import { json, startFakeApiServer, type SeenRequest } from '../../support/fake-apiserver.ts';
import { line, sendLines, until } from './rest/list-watch-fixtures.ts';

interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string; managedFields?: unknown[] };
  spec?: string;
  status?: string;
}
const obj = (name: string, rv: string): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'x' }] },
  spec: 'a large spec',
  status: `status of ${name}`,
});
const statusOnly = (o: Obj): Obj => ({ metadata: o.metadata, ...(o.status ? { status: o.status } : {}) });

test('listed, added, modified and deleted objects reach the cache and the listeners transformed', async () => {
  const watches = [sendLines(line('ADDED', obj('b', '3')), line('MODIFIED', obj('a', '4')))];
  const api = await startFakeApiServer(async (req: SeenRequest, res: ServerResponse) => {
    if (req.query['watch'] !== 'true')
      return json(res, 200, { metadata: { resourceVersion: '2' }, items: [obj('a', '2')] });
    const next = watches.shift();
    if (next) return next(res, req);
    res.writeHead(200).flushHeaders();
    res.end(line('DELETED', obj('b', '5')));
  });
  const informer = new ListWatch<Obj>(api.client(), '/api/v1/namespaces/ns/things', {
    transform: statusOnly,
  });
  const seen: Obj[] = [];
  informer.on('change', (o) => seen.push(o));
  try {
    await informer.start();
    await until('the delete', () => seen.length === 4);
    assert.equal(informer.list(), [
      { metadata: { name: 'a', namespace: 'ns', resourceVersion: '4' }, status: 'status of a' },
    ]);
    assert.equal(
      seen.map((o) => [o.metadata.name, o.metadata.resourceVersion, o.spec, o.metadata.managedFields]),
      [
        ['a', '2', undefined, undefined],
        ['b', '3', undefined, undefined],
        ['a', '4', undefined, undefined],
        ['b', '5', undefined, undefined],
      ],
    );
  } finally {
    await informer.stop();
    await api.close();
  }
});

const POD: V1Pod = JSON.parse(readFileSync(new URL('fixtures/scheduler-pod.json', import.meta.url), 'utf8'));
const STS = {
  metadata: { name: 'fleet-000', namespace: 'fleet', resourceVersion: '7' },
  spec: { replicas: 3 },
};

test("the operator's pod informer caches the projected pod, its StatefulSet informer the whole object", async () => {
  const api = await startFakeApiServer((req, res) => {
    if (req.query['watch'] === 'true') return void res.writeHead(200).flushHeaders();
    const items = req.path.endsWith('/pods') ? [POD] : req.path.endsWith('/statefulsets') ? [STS] : [];
    json(res, 200, { metadata: { resourceVersion: '9' }, items });
  });
  const config = { watchNamespaces: ['fleet'] } as unknown as OperatorConfig;
  const informers = buildInformers(api.client(), config, createLogger('test', 'silent'));
  try {
    await Promise.all([informers.pods.start(), informers.statefulSets.start()]);
    assert.equal(informers.pods.cache.get('fleet-000-0', 'fleet'), projectPod(structuredClone(POD)));
    assert.is(informers.pods.cache.get('fleet-000-0', 'fleet')?.spec, undefined);
    assert.equal(informers.statefulSets.cache.get('fleet-000', 'fleet'), STS);
  } finally {
    await Promise.all([informers.pods.stop(), informers.statefulSets.stop()]);
    await api.close();
  }
});

test.run();
