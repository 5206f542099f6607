// Inputs the admission fuzz found accepted although the objects built from them could never run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraClusterSpec } from '../../../src/api/aurora-cluster.ts';
import { buildAuroraClusterCrd } from '../../../src/crd/aurora-crds.ts';

const MINIMAL = {
  clusterName: 'example',
  replicas: 1,
  zookeeper: { endpoints: ['127.0.3.1:2181'] },
  mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
  thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
};

function issuePaths(spec: object): string[] {
  const result = AuroraClusterSpec.safeParse(spec);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

test('paths with "." or ".." segments, empty segments or a trailing slash are refused, field by field', () => {
  for (const bad of ['/..', '/var/lib/../../etc', '/a/./b', '/a//b', '/a/b/', 'relative']) {
    assert.equal(issuePaths({ ...MINIMAL, serversetPath: bad }), ['serversetPath'], bad);
    assert.equal(issuePaths({ ...MINIMAL, backup: { dir: bad } }), ['backup.dir'], bad);
  }
  for (const good of ['/aurora/scheduler', '/a/..b/c.', '/.hidden/x']) {
    assert.equal(issuePaths({ ...MINIMAL, serversetPath: good }), [], good);
  }
});

test('podAnnotations and nodeSelector keys must be qualified names; nodeSelector values label values', () => {
  assert.equal(issuePaths({ ...MINIMAL, podAnnotations: { 'bad key': 'v' } }), ['podAnnotations']);
  assert.equal(
    issuePaths({ ...MINIMAL, podAnnotations: { 'example.com/ok-key_1': 'any value at all' } }),
    [],
  );
  assert.equal(issuePaths({ ...MINIMAL, scheduling: { nodeSelector: { é: 'v' } } }), [
    'scheduling.nodeSelector',
  ]);
  assert.equal(issuePaths({ ...MINIMAL, scheduling: { nodeSelector: { zone: 'x'.repeat(64) } } }), [
    'scheduling.nodeSelector.zone',
  ]);
  assert.equal(
    issuePaths({ ...MINIMAL, scheduling: { nodeSelector: { 'topology.kubernetes.io/zone': 'a-1' } } }),
    [],
  );
  const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
  assert.equal(issuePaths({ ...MINIMAL, podAnnotations: many }), ['podAnnotations']);
});

test('the scheduler, libprocess and backup-agent ports must differ, and the issue names the second port', () => {
  assert.equal(issuePaths({ ...MINIMAL, libprocessPort: 8081 }), ['libprocessPort']);
  assert.equal(issuePaths({ ...MINIMAL, backupAgent: { port: 8083 } }), ['backupAgent.port']);
  assert.equal(issuePaths({ ...MINIMAL, httpPort: 8084 }), ['backupAgent.port']);
  assert.equal(issuePaths({ ...MINIMAL, httpPort: 9000, libprocessPort: 9001 }), []);
});

test('the CRD carries the same rules as CEL, each reported at its field', () => {
  const crd = JSON.stringify(buildAuroraClusterCrd());
  assert.match(crd, "!self.matches('(^|/)[.][.]?(/|$)')");
  assert.match(crd, '"fieldPath":".libprocessPort"');
  assert.match(crd, '"fieldPath":".backupAgent.port"');
  assert.match(crd, '"maxProperties":64');
  assert.match(crd, 'self.all(k, k.matches(');
});

test.run();
