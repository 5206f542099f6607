// Object keys and metadata: one slash between prefix and name whatever the prefix looks like, and metadata
// without a well-formed sha256 is not a backup.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildBackupMetadata, parseBackupMetadata } from '../../../src/objectstore/backup-metadata.ts';
import { normalizedPrefix, objectKey } from '../../../src/objectstore/object-store-client.ts';

const NAME = 'scheduler-backup-2026-12-06-04-00';

test('prefix and name are joined by exactly one slash; an empty prefix is the bucket root', () => {
  assert.is(objectKey({ prefix: 'ns/c1/' }, NAME), `ns/c1/${NAME}`);
  assert.is(objectKey({ prefix: 'ns/c1' }, NAME), `ns/c1/${NAME}`);
  assert.is(objectKey({ prefix: '/ns/c1' }, NAME), `ns/c1/${NAME}`);
  assert.is(objectKey({ prefix: '' }, NAME), NAME);
  assert.is(normalizedPrefix('/'), '');
});

test('metadata round-trips through the lowercase x-amz-meta keys', () => {
  const meta = {
    sha256: 'a'.repeat(64),
    size: 42,
    snapshotTime: '2026-12-06T04:00:00.000Z',
    taskCount: 7,
    cluster: 'c1',
    auroraVersion: '0.22.0',
  };
  const raw = buildBackupMetadata(meta);
  assert.is(raw['sha256'], meta.sha256);
  assert.is(raw['task-count'], '7');
  assert.equal(parseBackupMetadata(raw), meta);
});

test('no sha256, or a malformed one, is not operator metadata', () => {
  assert.is(parseBackupMetadata(undefined), undefined);
  assert.is(parseBackupMetadata({ cluster: 'c1' }), undefined);
  assert.is(parseBackupMetadata({ sha256: 'A'.repeat(64) }), undefined);
  assert.is(parseBackupMetadata({ sha256: 'a'.repeat(63) }), undefined);
});

test.run();
