import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraCluster, AuroraClusterSpec } from '../../../src/api/aurora-cluster.ts';
import { BOOTSTRAP_RULES, bootstrapSourcePrefix } from '../../../src/api/bootstrap-spec.ts';
import { parse } from 'yaml';
import { buildAuroraClusterCrd } from '../../../src/crd/aurora-crds.ts';

const STORE = {
  endpoint: 'http://127.0.0.1:7070',
  bucket: 'aurora-backups',
  forcePathStyle: true,
  credentials: { secretName: 'store-keys' },
};

function spec(ownPrefix: string | undefined, source: Record<string, unknown>, backupId = 'latest') {
  return {
    clusterName: 'example',
    replicas: 3,
    zookeeper: { endpoints: ['127.0.3.1:2181'] },
    mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
    thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
    backup: { objectStore: { ...STORE, ...(ownPrefix === undefined ? {} : { prefix: ownPrefix }) } },
    bootstrap: { fromBackup: { backupId, objectStore: source } },
  };
}

function problems(input: object): string[] {
  const result = AuroraClusterSpec.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

function clusterProblems(namespace: string, input: object): string[] {
  const result = AuroraCluster.safeParse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name: 'example', namespace },
    spec: input,
  });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('a source in the same store under the old prefix parses with the store defaults', () => {
  const parsed = AuroraClusterSpec.parse(spec(undefined, { ...STORE, prefix: 'aurora/example/' }));
  assert.equal(parsed.bootstrap?.fromBackup.objectStore.prefix, 'aurora/example/');
  assert.is(parsed.bootstrap?.fromBackup.objectStore.region, 'us-east-1');
  assert.is(parsed.bootstrap?.fromBackup.backupId, 'latest');
  assert.is(AuroraClusterSpec.parse({ ...spec(undefined, {}), bootstrap: undefined }).bootstrap, undefined);
});

test('the source must name its prefix, in its canonical form, and a backup name or latest', () => {
  assert.match(problems(spec(undefined, STORE)).join(), /^bootstrap\.fromBackup\.objectStore\.prefix: /);
  for (const prefix of ['', 'aurora/example', '/aurora/example/'])
    assert.match(
      problems(spec(undefined, { ...STORE, prefix })).join(),
      /must end with \/ and not start with \//,
    );
  assert.match(
    problems(spec(undefined, { ...STORE, prefix: 'a/' }, 'backup-1')).join(),
    /bootstrap\.fromBackup\.backupId: must be scheduler-backup-.* or latest/,
  );
});

test('a source in another store (bucket, credentials, endpoint) is accepted; a cluster that does not ship is refused', () => {
  assert.equal(problems(spec(undefined, { ...STORE, bucket: 'other-bucket', prefix: 'a/' })), []);
  assert.equal(
    problems(spec(undefined, { ...STORE, credentials: { secretName: 'other' }, prefix: 'a/' })),
    [],
  );
  assert.equal(problems(spec(undefined, { bucket: 'aws-bucket', region: 'eu-west-1', prefix: 'a/' })), []);
  const noStore = { ...spec(undefined, { ...STORE, prefix: 'a/' }), backup: {} };
  assert.equal(problems(noStore), [
    'bootstrap: bootstrap.fromBackup needs spec.backup.objectStore: the backup agents download through it',
  ]);
});

test('only the same bucket of the same endpoint under the own prefix is the own shipping location', () => {
  assert.match(problems(spec('a/', { ...STORE, prefix: 'a/' })).join(), /names this cluster's own shipping/);
  assert.equal(problems(spec('a/', { ...STORE, bucket: 'other-bucket', prefix: 'a/' })), []);
  assert.equal(problems(spec('a/', { ...STORE, endpoint: 'http://127.0.0.1:7071', prefix: 'a/' })), []);
});

test("the cluster's own explicit prefix is refused, whatever its slashes", () => {
  for (const [own, source] of [
    ['dr/example/', 'dr/example/'],
    ['dr/example', 'dr/example/'],
    ['/dr/example/', 'dr/example/'],
    ['/dr/example', 'dr/example/'],
  ] as const) {
    assert.match(
      problems(spec(own, { ...STORE, prefix: source })).join(),
      /prefix: .*never bootstraps from the prefix it ships to/,
      `${own} vs ${source}`,
    );
  }
  assert.equal(problems(spec('dr/example/', { ...STORE, prefix: 'aurora/example/' })), []);
});

test('the default own prefix <namespace>/<cluster>/ is refused by the whole object, which knows the namespace', () => {
  const same = spec(undefined, { ...STORE, prefix: 'aurora-dr/example/' });
  // the spec alone (and so CEL) cannot know the namespace the default is computed from
  assert.equal(problems(same), []);
  assert.match(
    clusterProblems('aurora-dr', same).join(),
    /^spec\.bootstrap\.fromBackup\.objectStore\.prefix: .*never bootstraps/,
  );
  // the same source in another namespace is another cluster's prefix
  assert.equal(clusterProblems('aurora-new', same), []);
});

test('the CRD carries the same rules as CEL, with the same messages, and makes bootstrap immutable', () => {
  const crd = JSON.stringify(buildAuroraClusterCrd());
  for (const { rule, message } of BOOTSTRAP_RULES) {
    assert.ok(crd.includes(JSON.stringify(rule).slice(1, -1)), rule);
    assert.ok(crd.includes(message), message);
  }
  const immutable = BOOTSTRAP_RULES.find((r) => r.rule.includes('oldSelf'));
  assert.match(immutable?.rule ?? '', 'self.bootstrap == oldSelf.bootstrap');
  assert.match(immutable?.rule ?? '', 'has(self.bootstrap) == has(oldSelf.bootstrap)');
  // the zod messages a user sees from the operator are the CEL messages the API server gives
  const zodMessages = [
    ...problems(spec('a/', { ...STORE, prefix: 'a/' })),
    ...problems({ ...spec(undefined, { ...STORE, prefix: 'a/' }), backup: {} }),
  ].map((p) => p.slice(p.indexOf(': ') + 2));
  for (const message of zodMessages)
    assert.ok(
      BOOTSTRAP_RULES.some((r) => r.message === message),
      message,
    );
});

test('only the restore labelled as the cluster bootstrap reads the source prefix', () => {
  const cluster = {
    metadata: { name: 'example' },
    spec: AuroraClusterSpec.parse(spec(undefined, { ...STORE, prefix: 'aurora/example/' })),
  };
  const labelled = { metadata: { labels: { 'aurora-operator.io/bootstrap-of': 'example' } } };
  assert.is(bootstrapSourcePrefix(cluster, labelled), 'aurora/example/');
  assert.is(bootstrapSourcePrefix(cluster, { metadata: {} }), undefined);
  const other = { metadata: { labels: { 'aurora-operator.io/bootstrap-of': 'another' } } };
  assert.is(bootstrapSourcePrefix(cluster, other), undefined);
});

test('the bootstrap example is a valid AuroraCluster that reads the lost cluster prefix', () => {
  const text = readFileSync(
    new URL('../../../examples/aurora-cluster-bootstrap.yaml', import.meta.url),
    'utf8',
  );
  const cluster = AuroraCluster.parse(parse(text));
  assert.is(cluster.spec.bootstrap?.fromBackup.objectStore.prefix, 'aurora/example/');
  assert.is(cluster.metadata.namespace, 'aurora-dr');
  assert.is(cluster.spec.backup.objectStore?.prefix, undefined, 'it ships under its own default prefix');
});

test.run();
