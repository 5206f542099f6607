// AuroraRestore spec.source: `{objectStore: {}}` is the cluster's own store; bucket and prefix (with the other
// connection settings) name another store; zod and the CRD's CEL refuse the same shapes, and source is immutable.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRestoreSpec, restoresFromStore } from '../../../src/api/aurora-restore.ts';

const base = { cluster: 'example', backupId: 'scheduler-backup-2024-01-31-23-00' };

function problems(objectStore: Record<string, unknown>): string {
  const parsed = AuroraRestoreSpec.safeParse({ ...base, source: { objectStore } });
  return parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

test('source.objectStore {} parses and means a restore from the store; no source means the volumes', () => {
  const spec = AuroraRestoreSpec.parse({ ...base, source: { objectStore: {} } });
  assert.equal(spec.source, { objectStore: {} });
  assert.ok(restoresFromStore(spec));
  assert.not.ok(restoresFromStore(AuroraRestoreSpec.parse(base)));
  assert.not.ok(restoresFromStore(AuroraRestoreSpec.parse({ ...base, source: {} })));
  assert.ok(
    AuroraRestoreSpec.safeParse({ ...base, backupId: 'latest', source: { objectStore: {} } }).success,
  );
});

test("another store's settings parse without defaults filled in, so {} stays the own store", () => {
  const other = {
    endpoint: 'https://127.0.0.1:7443',
    bucket: 'other-backups',
    prefix: 'aurora/other/',
    forcePathStyle: true,
    credentials: { secretName: 'other-keys' },
    caBundle: { configMapName: 'other-ca', key: 'ca.crt' },
  };
  const spec = AuroraRestoreSpec.parse({ ...base, source: { objectStore: other } });
  assert.equal(spec.source?.objectStore, {
    ...other,
    credentials: {
      secretName: 'other-keys',
      accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
      secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
    },
  });
  assert.ok(restoresFromStore(spec));
  assert.is(problems({ bucket: 'aws-bucket', region: 'eu-west-1', prefix: 'a/' }), '');
});

test('bucket without prefix, settings without a bucket, and a bad prefix are refused with clear messages', () => {
  assert.match(problems({ bucket: 'other' }), /needs bucket and prefix together/);
  assert.match(problems({ prefix: 'a/' }), /needs bucket and prefix together/);
  assert.match(problems({ credentials: { secretName: 'k' } }), /own store and takes no other setting/);
  assert.match(problems({ bucket: 'other', prefix: '/a' }), /must end with \/ and not start with \//);
  assert.match(problems({ bucket: 'Bad_Bucket', prefix: 'a/' }), /must be an S3 bucket name/);
});

test('the CRD carries the same rules as CEL, and the whole source is in the immutability rule', () => {
  const crd = readFileSync(
    new URL('../../../crds/aurora-operator.io_aurorarestores.yaml', import.meta.url),
    'utf8',
  );
  assert.match(crd, /has\(self\.bucket\) == has\(self\.prefix\)/);
  assert.match(crd, /has\(self\.bucket\) \|\| !\(has\(self\.endpoint\)/);
  assert.match(crd, /needs bucket and prefix together/);
  assert.match(crd, /has\(self\.source\) == has\(oldSelf\.source\)/);
  assert.match(crd, /!has\(self\.source\) \|\| self\.source == oldSelf\.source/);
});

test.run();
