// A version change is an image change: it gives the StatefulSet a new pod template, which is rolled one scheduler at
// a time with the leader last; going back from the fork to 0.22.0 needs spec.acknowledgeDowngrade.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { KNOWN_AURORA_VERSIONS } from '../../../src/api/aurora-versions.ts';
import {
  DOWNGRADE_RULE,
  downgradeProblem,
  FORK_TAG_PATTERN,
  FORK_VERSIONS,
} from '../../../src/api/version-downgrade.ts';
import { decideRollout } from '../../../src/cluster/rollout.ts';
import type { ObservedPod } from '../../../src/k8s/observed-pod.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { cluster, followerProbe, leaderProbe, pod } from './fixtures.ts';

function withVersion(image: string, version?: string): AuroraCluster {
  const base = cluster();
  return AuroraCluster.parse({ ...base, spec: { ...base.spec, image, ...(version ? { version } : {}) } });
}

/** Runs decideRollout to the end, each restarted pod coming back on the new revision, and returns the order. */
function rolloutOrder(leaderOrdinal: number): string[] {
  const leader = `example-${leaderOrdinal}`;
  let pods: ObservedPod[] = [0, 1, 2].map((i) =>
    pod(i, { revision: 'rev-0', probe: i === leaderOrdinal ? leaderProbe : followerProbe }),
  );
  const order: string[] = [];
  for (let step = 0; step < 10; step++) {
    const decision = decideRollout(pods, 'rev-1', 3, leader);
    if (decision.action === 'none') return order;
    assert.is(decision.action, 'restart', JSON.stringify(decision));
    if (decision.action !== 'restart') break;
    order.push(decision.pod);
    pods = pods.map((p) => (p.name === decision.pod ? { ...p, revision: 'rev-1' } : p));
  }
  throw new Error(`the rollout did not end: ${order.join(', ')}`);
}

test('0.22.0 to 0.27.0 changes the pod template: the scheduler image, nothing that must stay (volumes, quorum)', () => {
  const before = buildStatefulSet(withVersion('aurora-scheduler:0.22.0'));
  const after = buildStatefulSet(withVersion('aurora-scheduler:0.27.0', '0.27.0'));
  const scheduler = (s: typeof before) =>
    s.spec?.template.spec?.containers.find((c) => c.name === 'scheduler');
  assert.is(scheduler(before)?.image, 'aurora-scheduler:0.22.0');
  assert.is(scheduler(after)?.image, 'aurora-scheduler:0.27.0');
  assert.equal(after.spec?.volumeClaimTemplates, before.spec?.volumeClaimTemplates);
  assert.equal(
    scheduler(after)?.args,
    scheduler(before)?.args,
    'the same flags: the fork changed no default',
  );
});

test('the new revision is rolled one scheduler at a time, followers first, the leader last', () => {
  assert.equal(rolloutOrder(0), ['example-2', 'example-1', 'example-0']);
  assert.equal(rolloutOrder(1), ['example-2', 'example-0', 'example-1']);
  assert.equal(rolloutOrder(2), ['example-1', 'example-0', 'example-2']);
});

test('a change from a fork version to 0.22.0 is refused unless acknowledged; every other change passes', () => {
  const fork = { version: '0.27.0', image: 'aurora-scheduler:0.27.0' };
  const apache = { image: 'aurora-scheduler:0.22.0' };
  assert.match(downgradeProblem(fork, apache) ?? '', 'needs spec.acknowledgeDowngrade: true');
  assert.match(downgradeProblem(fork, apache) ?? '', 'ipAddr');
  assert.is(downgradeProblem(fork, { ...apache, acknowledgeDowngrade: true }), undefined);
  // the version read from the image tag, or 0.22.0 for a free-form tag, counts as well
  assert.ok(downgradeProblem({ image: 'aurora-scheduler:0.24.0' }, { image: 'aurora-scheduler:dev' }));
  assert.ok(downgradeProblem({ image: 'x:0.23.0' }, { version: '0.22.0', image: 'x:0.23.0' }));
  for (const v of FORK_VERSIONS) {
    assert.is(
      downgradeProblem(apache, { version: v, image: `aurora-scheduler:${v}` }),
      undefined,
      `0.22.0 → ${v}`,
    );
    assert.is(
      downgradeProblem(fork, { version: v, image: 'aurora-scheduler:dev' }),
      undefined,
      `0.27.0 → ${v}`,
    );
  }
  assert.is(downgradeProblem(apache, { image: 'aurora-scheduler:dev' }), undefined);
});

test('the CEL transition rule reads old and new spec alike; its short tag pattern matches exactly the fork versions', () => {
  assert.match(DOWNGRADE_RULE.rule, /^!\(has\(oldSelf\.version\) \? oldSelf\.version != '0\.22\.0' : /);
  assert.match(DOWNGRADE_RULE.rule, /\(has\(self\.acknowledgeDowngrade\) && self\.acknowledgeDowngrade\)$/);
  assert.match(DOWNGRADE_RULE.message, 'spec.acknowledgeDowngrade');
  const tag = new RegExp(FORK_TAG_PATTERN);
  for (const v of KNOWN_AURORA_VERSIONS) {
    assert.is(tag.test(`aurora-scheduler:${v}`), FORK_VERSIONS.includes(v), v);
    assert.is(
      tag.test(`registry.example:5000/s:${v}@sha256:abc`),
      FORK_VERSIONS.includes(v),
      `${v} with a digest`,
    );
  }
  for (const other of ['0.23.1', '0.28.0', '0.24.0-rc1', 'dev', '10.23.0']) {
    assert.not.ok(tag.test(`aurora-scheduler:${other}`), other);
  }
  // the CEL string literal doubles each backslash of the pattern
  assert.ok(DOWNGRADE_RULE.rule.includes(`matches('${FORK_TAG_PATTERN.replaceAll('\\', '\\\\')}')`));
});

test.run();
