// The cluster side of the restore lock: the StatefulSet precondition and the release of a dangling lock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ensureLockReleased,
  planLockRelease,
  withStatefulSetPrecondition,
} from '../../../src/cluster/lock-guard.ts';
import type { EventInput, KubeClient, ObjectRef } from '../../../src/k8s/kube-client.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';

function recordingKube() {
  const patches: Array<{ ref: ObjectRef; patch: Record<string, unknown> }> = [];
  const events: EventInput[] = [];
  const kube = {
    mergePatch: async (ref: ObjectRef, patch: Record<string, unknown>) => void patches.push({ ref, patch }),
    recordEvent: async (e: EventInput) => void events.push(e),
  } as unknown as KubeClient;
  return { kube, patches, events };
}

test('the StatefulSet write carries the observed resourceVersion; other objects and creation do not', () => {
  const sts = buildStatefulSet(makeCluster());
  assert.is(withStatefulSetPrecondition(sts, '42').metadata?.resourceVersion, '42');
  assert.is(withStatefulSetPrecondition(sts, undefined).metadata?.resourceVersion, undefined);
  const cm: { apiVersion: string; kind: string; metadata: { name: string; resourceVersion?: string } } = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x' },
  };
  assert.is(withStatefulSetPrecondition(cm, '42').metadata.resourceVersion, undefined);
  assert.is(sts.metadata?.resourceVersion, undefined, 'the built object is not mutated');
});

test('a lock is dangling when its restore is gone or finished; a running or failed restore keeps it', () => {
  assert.match(planLockRelease(undefined) ?? '', /no longer exists/);
  assert.match(planLockRelease({ status: { phase: 'Succeeded' } }) ?? '', /finished/);
  assert.match(planLockRelease({ status: { phase: 'Cancelled' } }) ?? '', /finished/);
  assert.is(planLockRelease({ status: { phase: 'Running' } }), undefined);
  // a restore that failed after its commit point keeps the cluster locked on purpose
  assert.is(planLockRelease({ status: { phase: 'Failed' } }), undefined);
  assert.is(planLockRelease({}), undefined);
});

test('a dangling lock is released with the cluster resourceVersion as precondition and a Warning event', async () => {
  const cluster = makeCluster();
  cluster.metadata.resourceVersion = '7';
  const { kube, patches, events } = recordingKube();
  const why = planLockRelease(undefined) ?? '';
  await ensureLockReleased(cluster, 'gone', why, kube);
  assert.equal(patches[0]?.patch, {
    metadata: { resourceVersion: '7', annotations: { 'aurora-operator.io/restore-lock': null } },
  });
  assert.is(events[0]?.reason, 'DanglingRestoreLock');
  assert.is(events[0]?.type, 'Warning');
  assert.match(events[0]?.message ?? '', /AuroraRestore gone no longer exists/);
});

test.run();
