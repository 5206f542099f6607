// ZooKeeper path conflicts between AuroraClusters: which paths overlap, on which ensembles, and who keeps them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarkerObservation } from '../../../src/cluster/plan-log-init.ts';
import { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import {
  findZkPathConflict,
  foreignMembers,
  isNestedPath,
  markerConflict,
  normalizeEndpoint,
  normalizePath,
} from '../../../src/cluster/plan-conflicts.ts';
import { healthyObserved } from './fixtures.ts';

interface Shape {
  name: string;
  namespace?: string;
  created?: string;
  endpoints?: string[];
  chroot?: string;
  serverset?: string;
  log?: string;
}

function ac(shape: Shape): AuroraCluster {
  return AuroraCluster.parse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: {
      name: shape.name,
      namespace: shape.namespace ?? 'aurora',
      uid: `uid-${shape.name}`,
      creationTimestamp: shape.created ?? '2026-11-21T09:00:00Z',
    },
    spec: {
      clusterName: shape.name,
      replicas: 3,
      zookeeper: {
        endpoints: shape.endpoints ?? ['zk1:2181'],
        ...(shape.chroot ? { chrootPath: shape.chroot } : {}),
      },
      serversetPath: shape.serverset ?? `/${shape.name}/scheduler`,
      mesos: { masterAddress: 'zk://zk1:2181/mesos' },
      replicatedLog: { zkGroupPath: shape.log ?? `/${shape.name}/log` },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
    },
  });
}

const EARLY = '2026-11-21T08:00:00Z';
const LATE = '2026-11-21T09:00:00Z';

test('normalizeEndpoint lowercases the host and defaults the port to 2181', () => {
  assert.is(normalizeEndpoint('ZK1.Example.COM:2181'), 'zk1.example.com:2181');
  assert.is(normalizeEndpoint('zk1'), 'zk1:2181');
  assert.is(normalizeEndpoint(' zk1.example.com.:2182 '), 'zk1.example.com:2182');
});

test('normalizePath joins a chroot and a path without doubled or trailing slashes', () => {
  assert.is(normalizePath('', '/fz/scheduler'), '/fz/scheduler');
  assert.is(normalizePath('/chroot/', '/fz/scheduler/'), '/chroot/fz/scheduler');
  assert.is(normalizePath('/', '/a'), '/a');
  assert.is(normalizePath('/'), '/');
});

test('isNestedPath: equal or a prefix at a / boundary, never a mere string prefix', () => {
  assert.ok(isNestedPath('/fz/log', '/fz/log'));
  assert.ok(isNestedPath('/fz', '/fz/log'));
  assert.ok(isNestedPath('/fz/log/a', '/fz/log'));
  assert.ok(isNestedPath('/', '/anything'));
  assert.not.ok(isNestedPath('/fz/log', '/fz/log2'));
  assert.not.ok(isNestedPath('/fz/log-aurora-operator', '/fz/log'));
  assert.not.ok(isNestedPath('/a/b', '/a/c'));
});

test('equal serverset and log paths on one ensemble: the later cluster is in conflict, the earlier is not', () => {
  const a = ac({ name: 'a', created: EARLY, serverset: '/fz/scheduler', log: '/fz/log' });
  const b = ac({ name: 'b', created: LATE, serverset: '/fz/scheduler', log: '/fz/log' });
  const conflict = findZkPathConflict(b, [a, b]);
  assert.equal(conflict?.owner, { namespace: 'aurora', name: 'a' });
  assert.equal(conflict?.mine, { role: 'serverset', path: '/fz/scheduler' });
  assert.is(findZkPathConflict(a, [a, b]), undefined);
});

test('only the log group path shared is a conflict too', () => {
  const a = ac({ name: 'a', created: EARLY, log: '/fz/log' });
  const b = ac({ name: 'b', created: LATE, log: '/fz/log' });
  assert.equal(findZkPathConflict(b, [a])?.mine, { role: 'replicated log', path: '/fz/log' });
});

test('nested paths conflict, in either direction; a sibling with a common string prefix does not', () => {
  const a = ac({ name: 'a', created: EARLY, serverset: '/fz/scheduler', log: '/fz/log' });
  assert.ok(findZkPathConflict(ac({ name: 'b', serverset: '/fz/scheduler/b' }), [a]));
  assert.ok(findZkPathConflict(ac({ name: 'b', log: '/fz' }), [a]));
  assert.ok(
    findZkPathConflict(ac({ name: 'b', serverset: '/fz/log/x' }), [a]),
    'a serverset inside a log group',
  );
  assert.is(
    findZkPathConflict(ac({ name: 'b', serverset: '/fz/scheduler2', log: '/fz/log2' }), [a]),
    undefined,
  );
});

test('different ensembles never conflict; one shared member is an overlap, whatever the order, case or port', () => {
  const a = ac({ name: 'a', created: EARLY, endpoints: ['zk1:2181', 'zk2:2181'], log: '/fz/log' });
  assert.is(findZkPathConflict(ac({ name: 'b', endpoints: ['zk3:2181'], log: '/fz/log' }), [a]), undefined);
  assert.is(
    findZkPathConflict(ac({ name: 'b', endpoints: ['zk1:2182'], log: '/fz/log' }), [a]),
    undefined,
    'another port is another ensemble',
  );
  assert.ok(findZkPathConflict(ac({ name: 'b', endpoints: ['ZK2:2181', 'zk9:2181'], log: '/fz/log' }), [a]));
  assert.ok(findZkPathConflict(ac({ name: 'b', endpoints: ['zk2:2181', 'zk1:2181'], log: '/fz/log' }), [a]));
});

test('the chroot applies to the serverset only, never to the log group path', () => {
  const a = ac({ name: 'a', created: EARLY, serverset: '/scheduler', log: '/log' });
  // chroot /c: the serverset is /c/scheduler (no overlap), the log group stays /log (overlap)
  const logShared = findZkPathConflict(
    ac({ name: 'b', chroot: '/c', serverset: '/scheduler', log: '/log' }),
    [a],
  );
  assert.equal(logShared?.mine, { role: 'replicated log', path: '/log' });
  assert.is(
    findZkPathConflict(ac({ name: 'b', chroot: '/c', serverset: '/scheduler', log: '/c/log' }), [a]),
    undefined,
  );
  // a chrooted serverset lands on the other's unchrooted path
  const viaChroot = findZkPathConflict(ac({ name: 'b', chroot: '/c', serverset: '/s', log: '/b/log' }), [
    ac({ name: 'a', created: EARLY, serverset: '/c/s', log: '/a/log' }),
  ]);
  assert.equal(viaChroot?.mine, { role: 'serverset', path: '/c/s' });
});

test('creation order decides; equal timestamps fall back to namespace/name; the earliest owner is named', () => {
  const same = { serverset: '/fz/scheduler', log: '/fz/log', created: LATE };
  const alpha = ac({ name: 'alpha', ...same });
  const beta = ac({ name: 'beta', ...same });
  assert.is(findZkPathConflict(alpha, [alpha, beta]), undefined);
  assert.is(findZkPathConflict(beta, [alpha, beta])?.owner.name, 'alpha');
  const otherNs = ac({ name: 'alpha', namespace: 'zz', ...same });
  assert.is(findZkPathConflict(otherNs, [alpha])?.owner.namespace, 'aurora', 'aurora/alpha < zz/alpha');
  const oldest = ac({ name: 'zeta', ...same, created: EARLY });
  assert.is(findZkPathConflict(alpha, [beta, oldest])?.owner.name, 'zeta', 'a timestamp beats the name');
  assert.is(findZkPathConflict(beta, [alpha, oldest])?.owner.name, 'zeta', 'the earliest overlapping owner');
});

test('a cluster compared with itself, or alone, has no conflict', () => {
  const a = ac({ name: 'a' });
  assert.is(findZkPathConflict(a, []), undefined);
  assert.is(findZkPathConflict(a, [a]), undefined);
});

test('a marker naming another namespace/name is a conflict; the same namespace/name is the same owner', () => {
  const b = ac({ name: 'b', log: '/fz/log' });
  const present = (namespace: string, name: string, uid: string, kubernetesCluster?: string) =>
    ({
      kind: 'present',
      version: 1,
      marker: {
        namespace,
        name,
        uid,
        createdAt: LATE,
        state: 'initialized',
        initializedAt: LATE,
        ...(kubernetesCluster ? { kubernetesCluster } : {}),
      },
    }) as const;
  const evidence = (marker: MarkerObservation, kubernetesCluster?: string) => ({
    markerPath: '/fz/log-aurora-operator',
    marker,
    claims: [],
    kubernetesCluster,
  });
  const message = markerConflict(b, evidence(present('other', 'a', 'u-a')));
  assert.match(message ?? '', /names AuroraCluster other\/a \(uid u-a/);
  assert.match(message ?? '', /delete the znode \/fz\/log-aurora-operator/);
  assert.is(markerConflict(b, evidence(present('aurora', 'b', 'an-earlier-uid'))), undefined);
  assert.is(markerConflict(b, evidence({ kind: 'absent' })), undefined);
  assert.is(markerConflict(b, evidence({ kind: 'unreadable', error: 'down' })), undefined);
});

test('the same namespace/name in another Kubernetes cluster is another owner; an unknown cluster id is not', () => {
  const b = ac({ name: 'b', log: '/fz/log' });
  const marker = (kubernetesCluster?: string): MarkerObservation => ({
    kind: 'present',
    version: 3,
    marker: {
      namespace: 'aurora',
      name: 'b',
      uid: 'u-b',
      createdAt: LATE,
      state: 'initialized',
      ...(kubernetesCluster ? { kubernetesCluster } : {}),
    },
  });
  const at = (m: MarkerObservation, kubernetesCluster?: string) =>
    markerConflict(b, { markerPath: '/fz/log-aurora-operator', marker: m, claims: [], kubernetesCluster });
  const message = at(marker('kube-east'), 'kube-west');
  assert.match(message ?? '', /names AuroraCluster aurora\/b in Kubernetes cluster kube-east/);
  assert.match(message ?? '', /this operator runs in Kubernetes cluster kube-west/);
  assert.is(at(marker('kube-west'), 'kube-west'), undefined, 'same cluster id: the same owner re-created');
  assert.is(at(marker(undefined), 'kube-west'), undefined, 'a marker without an id compares by name');
  assert.is(at(marker('kube-east'), undefined), undefined, 'an operator without an id compares by name');
});

test('foreignMembers lists serverset members whose address is no pod IP of the cluster', () => {
  const observed = healthyObserved();
  assert.equal(foreignMembers(observed), []);
  observed.serverset.members.push({ node: 'member_0000000002', host: '127.9.9.9', port: 8081 });
  assert.equal(foreignMembers(observed), ['127.9.9.9:8081']);
  assert.equal(foreignMembers({ ...observed, pods: [] }), ['127.2.0.2:8081', '127.9.9.9:8081']);
});

test('foreignMembers lists election participants and log-group replicas at addresses of no pod', () => {
  const observed = healthyObserved();
  const ownIp = observed.pods[0]?.podIP ?? '';
  observed.participants = {
    election: [
      { node: '_c_1-lock-0000000001', host: ownIp, data: ownIp },
      { node: '_c_2-lock-0000000002', host: '127.0.99.7', data: '127.0.99.7' },
    ],
    logGroup: [
      { node: '0000000001', host: ownIp, data: `log-replica(1)@${ownIp}:8083` },
      { node: '0000000004', host: '127.0.99.7', data: 'log-replica(1)@127.0.99.7:8083' },
    ],
  };
  assert.equal(foreignMembers(observed), [
    '127.0.99.7 (leader election)',
    'log-replica(1)@127.0.99.7:8083 (log group)',
  ]);
});

test.run();
