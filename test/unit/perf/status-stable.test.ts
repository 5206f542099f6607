// The status of an unchanged Ready cluster is the same on every pass: no clock or age in it, so it is not written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import { semanticEqual, semanticSubset } from '../../../src/k8s/semantic-equal.ts';
import { statusFrom } from '../../support/cluster-status.ts';
import { cluster, healthyObserved } from '../cluster/fixtures.ts';

const START = Date.parse('2026-11-21T10:00:30.000Z');

function observedWithBackups(): ObservedCluster {
  const observed = healthyObserved();
  const [leader] = observed.pods;
  if (leader?.probe) leader.probe = { ...leader.probe, backupSuccess: 4, backupFailed: 0 };
  observed.diagnostics = {
    libprocessReachable: Object.fromEntries(observed.pods.map((p) => [p.name, true])),
    advertised: [],
    tasks: { outcomes: [] },
    backups: { names: ['scheduler-backup-2026-11-21-09-58', 'scheduler-backup-2026-11-21-09-53'] },
  };
  return observed;
}

test('a Ready cluster with recent backups keeps the same status for the next hour of passes', () => {
  const observed = observedWithBackups();
  let status: AuroraClusterStatus = statusFrom({ cluster: cluster(), observed, now: new Date(START) });
  status = statusFrom({ cluster: cluster(status), observed, now: new Date(START + 1000) });
  assert.is(status.phase, 'Running');
  const backups = status.conditions?.find((c) => c.type === 'BackupsHealthy');
  assert.is(backups?.reason, 'BackupsRecent');
  // the cluster's diagnostics window and backup limit are longer than these passes, so nothing is due to change
  for (const offset of [30_000, 60_000, 5 * 60_000, 9 * 60_000]) {
    const next = statusFrom({ cluster: cluster(status), observed, now: new Date(START + offset) });
    assert.ok(semanticEqual(next, status), `status changed ${offset / 1000}s later`);
  }
});

test('semanticSubset ignores defaulted fields but not a changed owned one', () => {
  const owned = { spec: { ports: [{ port: 8081 }], selector: { a: '1' } }, metadata: { labels: {} } };
  const served = {
    spec: { ports: [{ port: 8081, protocol: 'TCP' }], selector: { a: '1' }, clusterIP: '127.0.0.1' },
    metadata: { uid: 'u' },
  };
  assert.ok(semanticSubset(owned, served));
  assert.not.ok(semanticSubset(owned, { ...served, spec: { ...served.spec, ports: [{ port: 1 }] } }));
  assert.not.ok(semanticSubset(owned, { ...served, spec: { ...served.spec, ports: [] } }));
  assert.not.ok(
    semanticSubset({ metadata: { labels: { role: null } } }, { metadata: { labels: { role: 'x' } } }),
  );
  assert.ok(semanticSubset({ metadata: { labels: { role: null } } }, { metadata: { labels: {} } }));
});

test.run();
