// A namespaced install's informers: one per watched namespace, routed by namespace, none cluster-wide.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectCache } from '../../../src/k8s/rest/object-store.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, watchNamespacesOf } from '../../../src/config.ts';
import { buildWatchInformer } from '../../../src/k8s/namespaced-informers.ts';
import type { SupervisedInformer } from '../../../src/k8s/supervised-informer.ts';

function fakeInformer(namespace: string | undefined, names: string[]) {
  const objects = names.map((name) => ({ metadata: { name, namespace: namespace ?? 'any' } }));
  const listeners: ((o: KubernetesObject) => void)[] = [];
  let started = 0;
  let synced = false;
  const cache: ObjectCache<KubernetesObject> = {
    get: (name, ns) =>
      objects.find((o) => o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns)),
    list: (ns) => objects.filter((o) => ns === undefined || o.metadata.namespace === ns),
  };
  const informer: SupervisedInformer<KubernetesObject> = {
    cache,
    onChange: (cb) => void listeners.push(cb),
    start: async () => {
      started++;
      synced = true;
    },
    stop: async () => undefined,
    hasSynced: () => synced,
    restarts: () => 1,
  };
  return {
    informer,
    emit: (o: KubernetesObject) => listeners.forEach((l) => l(o)),
    started: () => started,
    unsync: () => (synced = false),
  };
}

test('no namespaces: one cluster-wide informer', () => {
  const built: (string | undefined)[] = [];
  buildWatchInformer([], (ns) => (built.push(ns), fakeInformer(ns, []).informer));
  assert.equal(built, [undefined]);
});

test('several namespaces: one informer each, lookups routed, changes and starts fanned out', async () => {
  const fakes = new Map<string, ReturnType<typeof fakeInformer>>();
  const combined = buildWatchInformer(['team-a', 'team-b'], (ns) => {
    const f = fakeInformer(ns, [`in-${ns}`]);
    fakes.set(ns ?? '(all)', f);
    return f.informer;
  });
  assert.equal([...fakes.keys()], ['team-a', 'team-b'], 'never a cluster-wide informer');
  assert.is(combined.cache.get('in-team-a', 'team-a')?.metadata?.name, 'in-team-a');
  assert.is(combined.cache.get('in-team-a', 'team-b'), undefined);
  assert.is(combined.cache.get('in-team-a', 'elsewhere'), undefined);
  assert.equal(
    combined.cache.list('team-b').map((o) => o.metadata?.name),
    ['in-team-b'],
  );
  assert.equal(combined.cache.list('elsewhere'), []);
  assert.equal(
    combined.cache.list().map((o) => o.metadata?.name),
    ['in-team-a', 'in-team-b'],
  );
  const seen: string[] = [];
  combined.onChange((o) => seen.push(o.metadata?.name ?? ''));
  fakes.get('team-b')?.emit({ metadata: { name: 'x' } });
  assert.equal(seen, ['x']);
  assert.not.ok(combined.hasSynced());
  await combined.start();
  assert.equal(
    [...fakes.values()].map((f) => f.started()),
    [1, 1],
  );
  assert.ok(combined.hasSynced());
  fakes.get('team-a')?.unsync();
  assert.not.ok(combined.hasSynced(), 'synced only while every namespace is');
  assert.is(combined.restarts(), 2);
});

test('WATCH_NAMESPACES and the older WATCH_NAMESPACE merge in order without duplicates', () => {
  assert.equal(watchNamespacesOf('a, b,,a', 'c'), ['a', 'b', 'c']);
  assert.equal(watchNamespacesOf(undefined, undefined), []);
  assert.equal(loadConfig({ WATCH_NAMESPACES: 'team-a,team-b', WATCH_NAMESPACE: '' }).watchNamespaces, [
    'team-a',
    'team-b',
  ]);
  assert.throws(
    () => loadConfig({ WATCH_NAMESPACES: 'Not_A_Namespace' }),
    /"watchNamespaces",\s*0[\s\S]*must match pattern/,
  );
});

test.run();
