import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectStoreSpec } from '../../../src/api/object-store-spec.ts';
import { AuroraClusterSpec } from '../../../src/api/aurora-cluster.ts';
import { buildAuroraClusterCrd } from '../../../src/crd/aurora-crds.ts';

function problems(input: object): string[] {
  const result = ObjectStoreSpec.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('a bucket alone gets the region and path-style defaults and no credentials', () => {
  assert.equal(ObjectStoreSpec.parse({ bucket: 'aurora-backups' }), {
    bucket: 'aurora-backups',
    region: 'us-east-1',
    forcePathStyle: false,
  });
});

test('a full S3-compatible setting parses with the credential key defaults', () => {
  const spec = ObjectStoreSpec.parse({
    endpoint: 'https://127.0.0.1:7070',
    bucket: 'backups',
    prefix: 'team/prod/',
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { secretName: 'store-keys' },
    caBundle: { configMapName: 'store-ca', key: 'ca.crt' },
    encryption: { type: 'aws:kms', kmsKeyId: 'alias/aurora' },
    retention: { keepLast: 10, maxAge: '30days' },
  });
  assert.equal(spec.credentials, {
    secretName: 'store-keys',
    accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
    secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
  });
  assert.is(spec.retention?.maxAge, '30days');
});

test('bad inputs are refused with a message that names the rule', () => {
  assert.equal(problems({ bucket: 'ab' }), ['bucket: bucket names are 3 to 63 characters']);
  assert.equal(problems({ bucket: 'b'.repeat(64) }), ['bucket: bucket names are 3 to 63 characters']);
  assert.match(problems({ bucket: 'Upper_Case' }).join(), /must be an S3 bucket name/);
  assert.match(problems({ bucket: 'backups', endpoint: 'not a url' }).join(), /^endpoint: /);
  assert.match(problems({ bucket: 'backups', endpoint: 'ftp://127.0.0.1/' }).join(), /http or https URL/);
  assert.equal(problems({ bucket: 'backups', encryption: { type: 'AES256', kmsKeyId: 'k' } }), [
    'encryption.kmsKeyId: kmsKeyId is only allowed with type aws:kms',
  ]);
  assert.equal(problems({ bucket: 'backups', caBundle: { key: 'ca.crt' } }), [
    'caBundle: caBundle needs exactly one of secretName or configMapName',
  ]);
  assert.equal(problems({ bucket: 'backups', caBundle: { secretName: 'a', configMapName: 'b', key: 'k' } }), [
    'caBundle: caBundle needs exactly one of secretName or configMapName',
  ]);
  assert.equal(problems({ bucket: 'backups', retention: {} }), [
    'retention: retention needs keepLast or maxAge (or leave retention out)',
  ]);
  assert.match(problems({ bucket: 'backups', retention: { keepLast: 0 } }).join(), /^retention.keepLast: /);
  assert.match(problems({ bucket: 'backups', retention: { maxAge: '30d' } }).join(), /Aurora duration/);
  assert.match(
    problems({ bucket: 'backups', credentials: { secretName: 'Bad Name' } }).join(),
    /object name/,
  );
});

test('the cluster spec carries objectStore under backup, absent by default', () => {
  const minimal = {
    clusterName: 'example',
    replicas: 1,
    zookeeper: { endpoints: ['127.0.3.1:2181'] },
    mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
    thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
  };
  assert.is(AuroraClusterSpec.parse(minimal).backup.objectStore, undefined);
  const spec = AuroraClusterSpec.parse({ ...minimal, backup: { objectStore: { bucket: 'backups' } } });
  assert.is(spec.backup.objectStore?.bucket, 'backups');
});

test('the CRD carries the same rules as CEL for kubectl and the apiserver', () => {
  const crd = JSON.stringify(buildAuroraClusterCrd());
  assert.ok(crd.includes("!has(self.kmsKeyId) || self.type == 'aws:kms'"));
  assert.ok(crd.includes('has(self.secretName) != has(self.configMapName)'));
  assert.ok(crd.includes('has(self.keepLast) || has(self.maxAge)'));
});

test.run();
