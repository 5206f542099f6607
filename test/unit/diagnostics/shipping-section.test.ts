// diagnose shows the object store, the newest shipped backup, the totals and BackupsShipped only with a store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { ObjectStoreSpec } from '../../../src/api/object-store-spec.ts';
import { buildReport } from '../../../src/diagnostics/report.ts';
import { cluster } from '../cluster/fixtures.ts';

const now = new Date('2026-12-06T06:00:00Z');

const status: AuroraClusterStatus = {
  backups: {
    newestShipped: {
      name: 'scheduler-backup-2026-12-06-05-00',
      at: '2026-12-06T05:01:00.000Z',
      size: 2048,
      tasks: 3,
      replica: 'example-1',
    },
    shippedObjects: 4,
    shippedBytes: 8192,
    uploading: {
      name: 'scheduler-backup-2026-12-06-06-00',
      size: 4096,
      since: '2026-12-06T05:58:30.000Z',
      replica: 'example-2',
    },
  },
  conditions: [
    {
      type: 'BackupsShipped',
      status: 'False',
      reason: 'UploadFailing',
      message: 'example-1: AGENT_UPLOAD_FAILED: AccessDenied',
      lastTransitionTime: '2026-12-06T05:30:00Z',
    },
  ],
};

function report(withStore: boolean): string {
  const c = cluster();
  if (withStore) c.spec.backup.objectStore = ObjectStoreSpec.parse({ bucket: 'backups' });
  return buildReport({
    namespace: 'aurora',
    name: 'example',
    spec: c.spec,
    status,
    pods: [],
    events: [],
    now,
  });
}

test('with a store the report names the bucket and prefix, the newest shipped backup, totals and the last error', () => {
  const text = report(true);
  assert.match(text, /Object store: s3:\/\/backups\/aurora\/example\//);
  assert.match(
    text,
    /newest shipped: scheduler-backup-2026-12-06-05-00 \(2048 bytes, 3 tasks\), uploaded 2026-12-06T05:01:00.000Z \(59m ago\) by example-1/,
  );
  assert.match(text, /objects: 4 \(8192 bytes\)/);
  assert.match(
    text,
    /uploading: scheduler-backup-2026-12-06-06-00 \(4096 bytes\) since 2026-12-06T05:58:30.000Z \(1m30s\) by example-2/,
  );
  assert.match(text, /BackupsShipped=False UploadFailing: example-1: AGENT_UPLOAD_FAILED: AccessDenied/);
});

test('without a store the report has no object-store lines', () => {
  const text = report(false);
  assert.not.match(text, /Object store:/);
  assert.not.match(text, /newest shipped/);
});

test.run();
