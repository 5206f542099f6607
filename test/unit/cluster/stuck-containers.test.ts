// Containers that can never start are named in Degraded, even for a cluster still being created.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1Pod } from '@kubernetes/client-node';
import { toObservedPod } from '../../../src/k8s/observed-pod.ts';
import { statusFrom } from '../../support/cluster-status.ts';
import { cluster, followerProbe, healthyObserved } from './fixtures.ts';

const now = new Date('2026-11-30T10:00:00Z');

function waitingPod(container: string, reason: string, message: string, init = false): V1Pod {
  const status = { name: container, state: { waiting: { reason, message } } };
  return {
    metadata: { name: 'example-0', uid: 'u0' },
    status: {
      phase: 'Pending',
      ...(init ? { initContainerStatuses: [status] } : { containerStatuses: [status] }),
    },
  } as unknown as V1Pod;
}

test('toObservedPod lists init, sidecar and main containers that cannot start, with the kubelet message', () => {
  const pulled = toObservedPod(
    waitingPod('log-init', 'ImagePullBackOff', 'image "x" is not in the store', true),
  );
  assert.equal(pulled.stuck, [
    { container: 'log-init', reason: 'ImagePullBackOff', message: 'image "x" is not in the store' },
  ]);
  assert.is(toObservedPod(waitingPod('scheduler', 'ContainerCreating', '')).stuck, undefined);
});

test('a brand-new cluster whose image cannot be pulled is Degraded ImagePullFailed, not Creating', () => {
  const observed = healthyObserved();
  for (const p of observed.pods) {
    p.probe = { ...followerProbe, healthy: false, logRecovered: false };
    p.stuck = [{ container: 'log-init', reason: 'ImagePullBackOff', message: 'image "huge" not found' }];
  }
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  const degraded = status.conditions?.find((c) => c.type === 'Degraded');
  assert.is(degraded?.status, 'True');
  assert.is(degraded?.reason, 'ImagePullFailed');
  assert.match(degraded?.message ?? '', 'example-0/log-init: ImagePullBackOff (image "huge" not found)');
});

test("a crash-looping sidecar is named; the scheduler's and log-init's own loops keep their rules", () => {
  const observed = healthyObserved();
  const first = observed.pods[0];
  if (!first) throw new Error('fixture has pods');
  first.stuck = [{ container: 'backup-agent', reason: 'CrashLoopBackOff', message: 'back-off 40s' }];
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  const degraded = status.conditions?.find((c) => c.type === 'Degraded');
  assert.is(degraded?.reason, 'ContainerNotStarting');
  assert.match(degraded?.message ?? '', `${first.name}/backup-agent: CrashLoopBackOff`);
  first.stuck = [{ container: 'log-init', reason: 'CrashLoopBackOff' }];
  const waiting = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  assert.is.not(waiting.conditions?.find((c) => c.type === 'Degraded')?.reason, 'ContainerNotStarting');
});

test.run();
