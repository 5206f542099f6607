// AuroraRestore spec.source: `{objectStore: {}}` (the cluster's own store) is the only store source accepted for
// now, by zod and by the CRD (no properties, so a strict apiserver refuses settings), and it is immutable.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRestoreSpec, restoresFromStore } from '../../../src/api/aurora-restore.ts';

const base = { cluster: 'example', backupId: 'scheduler-backup-2024-01-31-23-00' };

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

test('store settings in source.objectStore are refused with a message saying only {} works for now', () => {
  const parsed = AuroraRestoreSpec.safeParse({ ...base, source: { objectStore: { bucket: 'other' } } });
  assert.not.ok(parsed.success);
  assert.match(JSON.stringify(parsed.error?.issues), /source\.objectStore takes no settings yet/);
});

test('the CRD: objectStore has no properties, and source is in the immutability rule', () => {
  const crd = readFileSync(
    new URL('../../../crds/aurora-operator.io_aurorarestores.yaml', import.meta.url),
    'utf8',
  );
  assert.match(
    crd,
    /objectStore:\n\s+description: "Restore from the cluster's own object store[^\n]*\n\s+type: object\n\s+properties: \{\}/,
  );
  assert.match(crd, /has\(self\.source\) == has\(oldSelf\.source\)/);
  assert.match(crd, /has\(self\.source\.objectStore\) == has\(oldSelf\.source\.objectStore\)/);
});

test.run();
