import type { V1Pod } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toObservedPod } from '../../../src/k8s/observed-pod.ts';

test('a running pod reports its state, labels and the main container, not the sidecar', () => {
  const pod: V1Pod = {
    metadata: {
      name: 'example-2',
      uid: 'u-2',
      labels: { 'controller-revision-hash': 'rev-7', 'aurora-operator.io/role': 'leader' },
    },
    status: {
      phase: 'Running',
      podIP: '127.2.0.4',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'backup-agent', image: 'x', imageID: '', ready: true, restartCount: 9 },
        {
          name: 'scheduler',
          image: 'x',
          imageID: '',
          ready: true,
          restartCount: 2,
          state: { running: { startedAt: new Date('2026-01-02T03:04:05Z') } },
          lastState: {
            terminated: {
              exitCode: 137,
              reason: 'OOMKilled',
              startedAt: new Date('2026-01-02T02:00:00Z'),
              finishedAt: new Date('2026-01-02T03:00:00Z'),
            },
          },
        },
      ],
    },
  };
  assert.equal(toObservedPod(pod), {
    name: 'example-2',
    ordinal: 2,
    uid: 'u-2',
    phase: 'Running',
    ready: true,
    deleting: false,
    labels: { 'controller-revision-hash': 'rev-7', 'aurora-operator.io/role': 'leader' },
    restarts: 2,
    podIP: '127.2.0.4',
    revision: 'rev-7',
    lastExitCode: 137,
    startedAt: '2026-01-02T03:04:05.000Z',
    lastTermination: {
      exitCode: 137,
      startedAt: '2026-01-02T02:00:00.000Z',
      finishedAt: '2026-01-02T03:00:00.000Z',
      reason: 'OOMKilled',
    },
  });
});

test('a pod just created has defaults and no optional fields', () => {
  const observed = toObservedPod({ metadata: { name: 'example-0', deletionTimestamp: new Date() } });
  assert.equal(observed, {
    name: 'example-0',
    ordinal: 0,
    uid: '',
    phase: 'Pending',
    ready: false,
    deleting: true,
    labels: {},
    restarts: 0,
  });
});

test('a name without an ordinal suffix gets ordinal -1', () => {
  assert.is(toObservedPod({ metadata: { name: 'stray' } }).ordinal, -1);
});

test.run();
