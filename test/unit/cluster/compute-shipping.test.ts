// BackupsShipped and the shipping summary from what the agents report, and the metrics derived from the summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Registry } from 'prom-client';
import type { ShippingStatus } from '../../../src/agent/agent-api.ts';
import {
  computeShippedCondition,
  computeShippingSummary,
  type ReplicaShipping,
} from '../../../src/cluster/compute-shipping.ts';
import { createShippingMetrics } from '../../../src/cluster/shipping-metrics.ts';

const HOUR = 3_600_000;
const NOW = new Date('2026-12-06T06:00:00Z');
const OLD = 'scheduler-backup-2026-12-06-03-00';
const NEW = 'scheduler-backup-2026-12-06-05-00';

function shipping(over: Partial<ShippingStatus> = {}): ShippingStatus {
  return { pending: 0, objects: 4, bytes: 400, uploadFailures: 0, unreadable: [], ...over };
}

const shipped = (name: string): ShippingStatus['lastShipped'] => ({
  name,
  at: '2026-12-06T05:01:00.000Z',
  size: 100,
  tasks: 3,
});

function condition(replicas: ReplicaShipping[], takenAt = '2026-12-06T05:00:00Z') {
  return computeShippedCondition({
    replicas,
    newestLocal: { name: NEW, takenAt },
    backupIntervalMs: HOUR,
    now: NOW,
  });
}

test('the summary takes the newest shipped backup of any replica and the freshest listing', () => {
  const summary = computeShippingSummary([
    {
      pod: 'example-0',
      shipping: shipping({
        lastShipped: shipped(OLD),
        uploadFailures: 2,
        lastRoundAt: '2026-12-06T05:59:00Z',
        objects: 5,
        bytes: 500,
      }),
    },
    {
      pod: 'example-1',
      shipping: shipping({
        lastShipped: shipped(NEW),
        uploadFailures: 1,
        lastRoundAt: '2026-12-06T05:58:00Z',
      }),
    },
  ]);
  assert.equal(summary, {
    newestShipped: { ...shipped(NEW)!, replica: 'example-1' },
    objects: 5,
    bytes: 500,
    uploadFailures: 3,
  });
});

test('True when the newest local backup is shipped', () => {
  const c = condition([{ pod: 'example-0', shipping: shipping({ lastShipped: shipped(NEW) }) }]);
  assert.is(c.status, 'True');
  assert.match(c.message, NEW);
});

const failing = (pod: string, code: string, message = 'refused') => ({
  pod,
  shipping: shipping({ lastError: { code, message, at: '' } }),
});

test('False with the reason of the store fault, naming the replica and the code', () => {
  const c = condition([failing('example-2', 'OBJECT_STORE_FORBIDDEN', 'access denied')]);
  assert.equal([c.status, c.reason], ['False', 'StoreForbidden']);
  assert.match(c.message, 'example-2: OBJECT_STORE_FORBIDDEN: access denied');
  const reasons: [string, string][] = [
    ['OBJECT_STORE_NO_SUCH_BUCKET', 'BucketMissing'],
    ['OBJECT_STORE_TLS', 'StoreTLSFailure'],
    ['OBJECT_STORE_FULL', 'StoreFull'],
    ['OBJECT_STORE_UNREACHABLE', 'StoreUnreachable'],
    ['OBJECT_STORE_ERROR', 'UploadFailing'],
    ['AGENT_UPLOAD_FAILED', 'UploadFailing'],
  ];
  for (const [code, reason] of reasons)
    assert.is(condition([failing('example-0', code)]).reason, reason, code);
});

test('replicas failing differently: the fault a person must fix wins over one that may pass', () => {
  const c = condition([
    failing('example-0', 'OBJECT_STORE_UNREACHABLE'),
    failing('example-1', 'OBJECT_STORE_FULL'),
  ]);
  assert.is(c.reason, 'StoreFull');
  assert.match(c.message, /example-0: OBJECT_STORE_UNREACHABLE.*example-1: OBJECT_STORE_FULL/);
});

test('False BackupUnreadable for a local file that cannot be shipped', () => {
  const c = condition([{ pod: 'example-0', shipping: shipping({ unreadable: [OLD] }) }]);
  assert.equal([c.status, c.reason], ['False', 'BackupUnreadable']);
  assert.match(c.message, `example-0/${OLD}`);
});

test('False ShippingBehind only after two backup intervals with the newest still pending', () => {
  const pending = [{ pod: 'example-0', shipping: shipping({ lastShipped: shipped(OLD), pending: 1 }) }];
  assert.is(condition(pending, '2026-12-06T05:00:00Z').status, 'True', 'one interval: not yet behind');
  const late = condition(pending, '2026-12-06T03:30:00Z');
  assert.equal([late.status, late.reason], ['False', 'ShippingBehind']);
  // nothing pending: another replica (or an agent since restarted) shipped it
  assert.is(condition([{ pod: 'example-0', shipping: shipping() }], '2026-12-06T03:30:00Z').status, 'True');
});

test('an upload in flight shows in the summary (the longest-running) and in the True message by its start', () => {
  const replicas: ReplicaShipping[] = [
    {
      pod: 'example-0',
      shipping: shipping({
        lastShipped: shipped(NEW),
        uploading: { name: NEW, size: 9, since: '2026-12-06T05:40:00Z' },
      }),
    },
    {
      pod: 'example-1',
      shipping: shipping({ uploading: { name: NEW, size: 9, since: '2026-12-06T05:20:00Z' } }),
    },
  ];
  assert.equal(computeShippingSummary(replicas).uploading, {
    name: NEW,
    size: 9,
    since: '2026-12-06T05:20:00Z',
    replica: 'example-1',
  });
  const c = condition(replicas);
  assert.is(c.status, 'True');
  assert.match(c.message, `Uploading ${NEW} since 2026-12-06T05:20:00Z (example-1).`);
  // the message names the start, so a later look at the same upload gives the same condition
  const later = computeShippedCondition({
    replicas,
    newestLocal: { name: NEW, takenAt: '2026-12-06T05:00:00Z' },
    backupIntervalMs: HOUR,
    now: new Date('2026-12-06T06:10:00Z'),
  });
  assert.equal(later, c);
});

test('False UploadSlow once one upload has run longer than a backup interval, naming the replica and the backup', () => {
  const slow = (since: string) =>
    condition([
      {
        pod: 'example-2',
        shipping: shipping({ lastShipped: shipped(OLD), uploading: { name: NEW, size: 9, since } }),
      },
    ]);
  assert.is(slow('2026-12-06T05:00:01Z').status, 'True', 'under an interval');
  const c = slow('2026-12-06T04:59:00Z');
  assert.is(c.status, 'False');
  assert.is(c.reason, 'UploadSlow');
  assert.match(
    c.message,
    /^example-2: the upload of scheduler-backup-2026-12-06-05-00 \(9 bytes\) started 2026-12-06T04:59:00Z/,
  );
  // a failure of another replica names what to fix first
  const failing = condition([
    {
      pod: 'example-2',
      shipping: shipping({ uploading: { name: NEW, size: 9, since: '2026-12-06T04:00:00Z' } }),
    },
    {
      pod: 'example-0',
      shipping: shipping({
        lastError: { code: 'OBJECT_STORE_FORBIDDEN', message: 'denied', at: '2026-12-06T05:59:00Z' },
      }),
    },
  ]);
  assert.is(failing.reason, 'StoreForbidden');
});

test('Unknown while no agent reports', () => {
  assert.equal(condition([]).status, 'Unknown');
});

test('metrics: last shipped time, failures counted once across looks, objects and bytes; removed with the cluster', async () => {
  const registry = new Registry();
  const metrics = createShippingMetrics(registry);
  const summary = computeShippingSummary([
    { pod: 'example-0', shipping: shipping({ lastShipped: shipped(NEW), uploadFailures: 2 }) },
  ]);
  metrics.update('aurora', 'example', summary);
  metrics.update('aurora', 'example', summary);
  metrics.update('aurora', 'example', { ...summary, uploadFailures: 3 });
  const text = await registry.metrics();
  assert.match(
    text,
    'aurora_operator_backup_last_shipped_timestamp_seconds{namespace="aurora",cluster="example"} 1796533260',
  );
  assert.match(text, 'aurora_operator_backup_upload_failures_total{namespace="aurora",cluster="example"} 3');
  assert.match(text, 'aurora_operator_backup_objects{namespace="aurora",cluster="example"} 4');
  assert.match(text, 'aurora_operator_backup_object_bytes{namespace="aurora",cluster="example"} 400');
  metrics.update('aurora', 'example', undefined);
  assert.not.match(await registry.metrics(), 'cluster="example"');
});

test.run();
