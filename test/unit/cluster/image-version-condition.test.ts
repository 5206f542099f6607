// The cluster's ImageMatchesVersion condition: False with the remedy when spec.image is tagged with another supported
// Aurora version than spec.version, and one Warning event when it turns False, not one per pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { buildConditionEvents } from '../../../src/cluster/condition-events.ts';
import { statusFrom } from '../../support/cluster-status.ts';
import { cluster, healthyObserved } from './fixtures.ts';

const now = new Date('2026-12-06T09:00:00Z');
const regarding = {
  apiVersion: 'aurora-operator.io/v1alpha1',
  kind: 'AuroraCluster',
  namespace: 'aurora',
  name: 'example',
};

function withImage(
  image: string,
  version: string | undefined,
  previous?: AuroraCluster['status'],
): AuroraCluster {
  const c = cluster(previous);
  return { ...c, spec: { ...c.spec, image, ...(version ? { version } : {}) } };
}

const imageCondition = (c: AuroraCluster) =>
  statusFrom({ cluster: c, observed: healthyObserved(), rollout: { action: 'none' }, now }).conditions?.find(
    (x) => x.type === 'ImageMatchesVersion',
  );

test('an image tagged 0.22.0 with spec.version 0.27.0 is ImageMatchesVersion=False with both versions and the remedy', () => {
  const c = imageCondition(withImage('aurora-scheduler:0.22.0', '0.27.0'));
  assert.is(c?.status, 'False');
  assert.is(c?.reason, 'ImageVersionMismatch');
  assert.match(
    c?.message ?? '',
    'spec.image aurora-scheduler:0.22.0 is tagged 0.22.0 but spec.version is 0.27.0',
  );
  assert.match(c?.message ?? '', 'Set spec.version to 0.22.0 if the image runs it');
});

test('a matching tag, a tag that is no version, and an unset spec.version are True', () => {
  for (const [image, version] of [
    ['aurora-scheduler:0.27.0', '0.27.0'],
    ['aurora-scheduler-simulator:0.1.0', '0.27.0'],
    ['aurora-scheduler:0.25.0', undefined],
  ] as const) {
    const c = imageCondition(withImage(image, version));
    assert.is(c?.status, 'True', image);
    assert.is(c?.reason, 'NoOtherVersionTagged', image);
  }
});

test('the mismatch yields one Warning event when it turns False, none on the next pass, a Normal one when fixed', () => {
  const pass = (previous: AuroraCluster['status'], image: string) => {
    const status = statusFrom({
      cluster: withImage(image, '0.27.0', previous),
      observed: healthyObserved(),
      rollout: { action: 'none' },
      now,
    });
    const events = buildConditionEvents(regarding, previous?.conditions, status.conditions ?? []);
    return { status, events: events.filter((e) => e.message.startsWith('ImageMatchesVersion=')) };
  };
  const matching = pass(undefined, 'aurora-scheduler:0.27.0');
  const edited = pass(matching.status, 'aurora-scheduler:0.22.0');
  assert.equal(
    edited.events.map((e) => [e.type, e.reason]),
    [['Warning', 'ImageVersionMismatch']],
  );
  assert.match(edited.events[0]?.message ?? '', 'is tagged 0.22.0 but spec.version is 0.27.0');
  const again = pass(edited.status, 'aurora-scheduler:0.22.0');
  assert.equal(again.events, []);
  const fixed = pass(again.status, 'aurora-scheduler:0.27.0');
  assert.equal(
    fixed.events.map((e) => [e.type, e.reason]),
    [['Normal', 'NoOtherVersionTagged']],
  );
});

test.run();
