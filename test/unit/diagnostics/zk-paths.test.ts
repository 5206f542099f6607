// The diagnose report's ZooKeeper section: a conflict names the other cluster and tells how to fix the newer one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ZkPathConflict } from '../../../src/cluster/plan-conflicts.ts';
import { buildZkPathsSection, type ZkPathsInput } from '../../../src/diagnostics/zk-paths-section.ts';
import { buildReport } from '../../../src/diagnostics/report.ts';

const spec = {
  serversetPath: '/aurora/scheduler',
  zookeeper: { endpoints: ['127.0.3.1:2181'], sessionTimeout: '15secs' },
  replicatedLog: { zkGroupPath: '/aurora/replicated-log' },
} as unknown as ZkPathsInput['spec'];

const conflict: ZkPathConflict = {
  owner: { namespace: 'aurora', name: 'first' },
  mine: { role: 'serverset', path: '/aurora/scheduler' },
  theirs: { role: 'serverset', path: '/aurora/scheduler' },
};

const base: ZkPathsInput = { namespace: 'aurora', name: 'second', spec, refused: [] };

test('a refused cluster sees the owner, the overlapping path and a patch of its own paths', () => {
  const text = buildZkPathsSection({ ...base, conflict }).join('\n');
  assert.match(text, 'CONFLICT: ZooKeeper path conflict');
  assert.match(text, 'AuroraCluster aurora/first');
  assert.match(text, 'this cluster is the newer one');
  assert.match(text, 'kubectl -n aurora patch auroracluster second --type=merge');
  assert.match(text, '"zkGroupPath":"/aurora/second/replicated-log"');
});

test('the earlier cluster lists the newer ones it keeps out, and the fix is theirs', () => {
  const text = buildZkPathsSection({
    ...base,
    name: 'first',
    refused: [{ namespace: 'team-b', name: 'copy' }],
  }).join('\n');
  assert.match(text, 'team-b/copy (created later) shares these paths and is refused');
  assert.match(text, 'kubectl -n team-b patch auroracluster copy');
  assert.not.match(text, 'CONFLICT');
});

test('a marker of another owner and foreign members are shown with what to do', () => {
  const text = buildZkPathsSection({
    ...base,
    marker: {
      path: '/aurora/replicated-log-aurora-operator',
      sameOwner: false,
      read: {
        kind: 'present',
        version: 1,
        marker: {
          namespace: 'other',
          name: 'gone',
          uid: 'u',
          kubernetesCluster: 'kube-east',
          createdAt: '2026-11-01T00:00:00Z',
          state: 'initialized',
          initializedAt: '2026-11-01T00:01:00Z',
        },
      },
    },
    foreign: ['127.0.99.7 (leader election)'],
  }).join('\n');
  assert.match(
    text,
    'other/gone in Kubernetes cluster kube-east (ANOTHER cluster), initialized at 2026-11-01T00:01:00Z',
  );
  assert.match(text, 'delete the znode /aurora/replicated-log-aurora-operator only if its owner is gone');
  assert.match(text, 'Foreign members (not pods of this cluster): 127.0.99.7 (leader election)');
});

test('nothing read from ZooKeeper says why; a clean cluster says none', () => {
  assert.match(
    buildZkPathsSection({ ...base, zkNotRead: 'disabled by --no-probe' }).join('\n'),
    'Participants not read: disabled by --no-probe',
  );
  const clean = buildZkPathsSection({
    ...base,
    foreign: [],
    marker: { path: '/p', sameOwner: true, read: { kind: 'absent' } },
  }).join('\n');
  assert.match(clean, 'Foreign members: none');
  assert.match(clean, 'Log owner marker /p: none');
});

test('the report carries the section', () => {
  const report = buildReport({
    namespace: 'aurora',
    name: 'second',
    spec,
    status: undefined,
    pods: [],
    events: [],
    zkPaths: { ...base, conflict },
    now: new Date('2026-11-30T00:00:00Z'),
  });
  assert.match(report, /\nZooKeeper: serverset \/aurora\/scheduler, replicated log \/aurora\/replicated-log/);
  assert.match(report, 'CONFLICT');
});

test.run();
