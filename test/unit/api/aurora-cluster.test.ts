import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { AuroraCluster, AuroraClusterSpec, quorumSize } from '../../../src/api/aurora-cluster.ts';

const MINIMAL = {
  clusterName: 'example',
  replicas: 3,
  zookeeper: { endpoints: ['127.0.3.1:2181'] },
  mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
  thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
};

function issues(spec: object): string[] {
  const result = AuroraClusterSpec.safeParse(spec);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('defaults fill every optional section', () => {
  const spec = AuroraClusterSpec.parse(MINIMAL);
  assert.is(spec.image, 'aurora-scheduler:0.22.0');
  assert.is(spec.imagePullPolicy, 'IfNotPresent');
  assert.is(spec.paused, false);
  assert.is(spec.serversetPath, '/aurora/scheduler');
  assert.is(spec.mesos.maxRegistrationDelay, '1mins');
  assert.equal(spec.replicatedLog, {
    path: '/var/lib/aurora/scheduler/db',
    zkGroupPath: '/aurora/replicated-log',
    storage: { size: '10Gi' },
  });
  assert.equal(spec.backup, {
    dir: '/var/lib/aurora/scheduler/backups',
    interval: '1hrs',
    maxSaved: 48,
    preRestoreLogRetention: '3days',
    storage: { size: '10Gi' },
    verify: { enabled: true },
  });
  assert.is(spec.httpPort, 8081);
  assert.is(spec.libprocessPort, 8083);
  assert.equal(spec.jvm.options, []);
  assert.equal(spec.extraArgs, []);
});

test('replicas must be odd and between 1 and 7', () => {
  for (const replicas of [1, 3, 5, 7]) assert.equal(issues({ ...MINIMAL, replicas }), [], String(replicas));
  assert.match(issues({ ...MINIMAL, replicas: 4 }).join(), 'replicas: replicas must be odd');
  assert.ok(issues({ ...MINIMAL, replicas: 9 }).length > 0);
  assert.ok(issues({ ...MINIMAL, replicas: 0 }).length > 0);
});

test('quorumSize is floor(n/2)+1 and a mismatching spec value is rejected', () => {
  assert.equal([1, 3, 5, 7].map(quorumSize), [1, 2, 3, 4]);
  assert.equal(issues({ ...MINIMAL, replicatedLog: { quorumSize: 2 } }), []);
  assert.equal(issues({ ...MINIMAL, replicatedLog: { quorumSize: 1 } }), [
    'replicatedLog.quorumSize: quorumSize must equal floor(replicas/2)+1 = 2',
  ]);
});

test('durations, paths and addresses are checked', () => {
  assert.match(
    issues({ ...MINIMAL, backup: { interval: '1min' } }).join(),
    'backup.interval: must be an Aurora duration',
  );
  assert.match(
    issues({ ...MINIMAL, backup: { preRestoreLogRetention: '3d' } }).join(),
    'backup.preRestoreLogRetention: must be an Aurora duration',
  );
  assert.equal(issues({ ...MINIMAL, backup: { preRestoreLogRetention: '12hrs' } }), []);
  assert.match(
    issues({ ...MINIMAL, replicatedLog: { path: 'db' } }).join(),
    'replicatedLog.path: must be an absolute path',
  );
  assert.match(issues({ ...MINIMAL, zookeeper: { endpoints: [] } }).join(), 'zookeeper.endpoints');
  assert.match(issues({ ...MINIMAL, zookeeper: { endpoints: ['localhost'] } }).join(), 'must be host:port');
  assert.match(issues({ ...MINIMAL, mesos: { masterAddress: 'http://x' } }).join(), 'mesos.masterAddress');
  assert.equal(issues({ ...MINIMAL, mesos: { masterAddress: '127.0.0.1:5050' } }), []);
  assert.equal(
    issues({ ...MINIMAL, mesos: { masterAddress: 'zk://127.0.0.1:2181,127.0.0.2:2181/mesos' } }),
    [],
  );
  assert.match(issues({ ...MINIMAL, thermosExecutor: { path: '/x', ram: '128M' } }).join(), 'data size');
  assert.match(issues({ ...MINIMAL, thermosExecutor: {} }).join(), 'thermosExecutor.path');
});

test('extraArgs reject unknown, removed and managed flags with the reason', () => {
  const got = issues({
    ...MINIMAL,
    extraArgs: ['-enable_preemptor=false', '-gc_executor_path=/x', '-native_log_quorum_size=1', 'oops'],
  });
  assert.equal(got, [
    'extraArgs.1: -gc_executor_path is not an Aurora 0.22 scheduler flag (it would stop the scheduler)',
    'extraArgs.2: -native_log_quorum_size is managed by the operator (it comes from spec.replicas: floor(replicas/2)+1)',
    'extraArgs.3: must have the form -flag=value (got "oops")',
  ]);
});

test('the committed example is a valid AuroraCluster and the invalid examples are not', () => {
  const example = AuroraCluster.parse(
    parse(readFileSync(new URL('../../../examples/aurora-cluster.yaml', import.meta.url), 'utf8')),
  );
  assert.is(example.metadata.namespace, 'aurora');
  assert.is(example.spec.replicas, 3);
  for (const name of ['even-replicas', 'bad-duration', 'relative-path']) {
    const doc: unknown = parse(
      readFileSync(new URL(`../../../examples/invalid/${name}.yaml`, import.meta.url), 'utf8'),
    );
    assert.not.ok(AuroraCluster.safeParse(doc).success, name);
  }
});

test.run();
