// The fleet benchmark's statistics: nearest-rank percentiles and the scheduler share of a cluster's time to Ready.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterTiming, percentile, type TimedObject } from '../../../bench/fleet-stats.ts';

test('nearest-rank percentiles', () => {
  const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.is(percentile(xs, 50), 5);
  assert.is(percentile(xs, 90), 9);
  assert.is(percentile(xs, 100), 10);
  assert.is(percentile(xs, 0), 1);
  assert.is(percentile([7], 50), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.equal(xs, [5, 1, 4, 2, 3, 10, 9, 8, 7, 6], 'the input is not sorted in place');
});

function obj(name: string, created: string, readyAt?: string, status = 'True'): TimedObject {
  return {
    metadata: { name, creationTimestamp: created },
    status: { conditions: readyAt ? [{ type: 'Ready', status, lastTransitionTime: readyAt }] : [] },
  };
}

test('share: first pod created to last pod Ready, over CR created to cluster Ready', () => {
  const cluster = obj('a', '2026-11-30T10:00:00Z', '2026-11-30T10:00:40Z');
  const pods = [
    obj('a-0', '2026-11-30T10:00:05Z', '2026-11-30T10:00:20Z'),
    obj('a-1', '2026-11-30T10:00:06Z', '2026-11-30T10:00:35Z'),
    obj('a-2', '2026-11-30T10:00:07Z', '2026-11-30T10:00:30Z'),
  ];
  const t = clusterTiming(cluster, pods);
  assert.equal(t, { name: 'a', totalSeconds: 40, schedulerSeconds: 30, share: 0.75 });
});

test('share is clamped to 1 and a Ready within the creation second counts as scheduler time', () => {
  const late = clusterTiming(obj('b', '2026-11-30T10:00:00Z', '2026-11-30T10:00:10Z'), [
    obj('b-0', '2026-11-30T10:00:00Z', '2026-11-30T10:00:11Z'),
  ]);
  assert.is(late?.share, 1);
  const instant = clusterTiming(obj('c', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z'), [
    obj('c-0', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z'),
  ]);
  assert.is(instant?.share, 1);
});

test('no timing for a cluster not Ready, without pods, or with a pod not Ready', () => {
  const ready = obj('d', '2026-11-30T10:00:00Z', '2026-11-30T10:00:40Z');
  const pod = obj('d-0', '2026-11-30T10:00:01Z', '2026-11-30T10:00:20Z');
  assert.is(clusterTiming(obj('d', '2026-11-30T10:00:00Z'), [pod]), undefined);
  assert.is(
    clusterTiming(obj('d', '2026-11-30T10:00:00Z', '2026-11-30T10:00:40Z', 'False'), [pod]),
    undefined,
  );
  assert.is(clusterTiming(ready, []), undefined);
  assert.is(clusterTiming(ready, [pod, obj('d-1', '2026-11-30T10:00:01Z')]), undefined);
});

test.run();
