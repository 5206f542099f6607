// A pod, StatefulSet or AuroraCluster event brings back exactly the unfinished restores of that cluster.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLUSTER_LABEL } from '../../../src/resources/names.ts';
import { clusterOfOwned, restoresConcerned } from '../../../src/restore/world-events.ts';

const restore = (name: string, cluster: string, phase?: string, extra: Record<string, unknown> = {}) => ({
  metadata: { namespace: 'aurora', name, ...extra },
  spec: { cluster },
  ...(phase ? { status: { phase } } : {}),
});

const RESTORES = [
  restore('new', 'example'),
  restore('running', 'example', 'Running'),
  restore('done', 'example', 'Succeeded'),
  restore('failed-deleting', 'example', 'Failed', { deletionTimestamp: '2024-01-01T00:00:00Z' }),
  restore('other-cluster', 'other', 'Running'),
  {
    ...restore('other-namespace', 'example', 'Running'),
    metadata: { namespace: 'x', name: 'other-namespace' },
  },
];

test('the unfinished restores of the cluster in its namespace, and a finished one being deleted', () => {
  assert.equal(restoresConcerned('aurora', 'example', RESTORES), [
    'aurora/new',
    'aurora/running',
    'aurora/failed-deleting',
  ]);
  assert.equal(restoresConcerned('aurora', undefined, RESTORES), []);
  assert.equal(restoresConcerned('aurora', 'nobody', RESTORES), []);
});

test('a pod or StatefulSet names its cluster by the operator label', () => {
  assert.is(clusterOfOwned({ metadata: { labels: { [CLUSTER_LABEL]: 'example' } } }), 'example');
  assert.is(clusterOfOwned({ metadata: { labels: { app: 'x' } } }), undefined);
});

test.run();
