import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bootstrapFacts,
  computeBootstrapStatus,
  holdsLogInit,
  planBootstrap,
  toBootstrapRestoreView,
  type BootstrapInput,
} from '../../../src/cluster/plan-bootstrap.ts';
import type { LogInitPlan } from '../../../src/cluster/plan-log-init.ts';
import { bootstrapCluster } from './bootstrap-fixture.ts';

const NOW = new Date('2026-12-06T08:00:00.000Z');
const BACKUP = 'scheduler-backup-2026-12-06-07-40';

const ALLOWED: LogInitPlan = { allowed: true, annotate: [] };
const REFUSED: LogInitPlan = {
  allowed: false,
  annotate: [],
  refusal: {
    reason: 'InitializationRefused',
    message: 'log PVC log-example-0 is older than this AuroraCluster',
  },
};

function input(over: Partial<BootstrapInput> = {}): BootstrapInput {
  return { cluster: bootstrapCluster(), restore: undefined, logInit: ALLOWED, initialized: false, ...over };
}

test('without spec.bootstrap nothing is planned and log-init is not held', () => {
  const plan = planBootstrap(input({ cluster: bootstrapCluster(undefined, false) }));
  assert.equal(plan, { kind: 'none' });
  assert.is(holdsLogInit(plan), false);
  assert.is(computeBootstrapStatus(plan, undefined, NOW), undefined);
});

test('a first creation the guard allows starts the restore and holds log-init off', () => {
  const plan = planBootstrap(input());
  assert.equal(plan, { kind: 'start', restore: 'example-bootstrap' });
  assert.is(holdsLogInit(plan), true);
  assert.equal(computeBootstrapStatus(plan, undefined, NOW), {
    restore: 'example-bootstrap',
    startedAt: NOW.toISOString(),
  });
  assert.is(bootstrapFacts(plan).progress?.reason, 'Bootstrapping');
});

test('evidence of an existing log refuses the bootstrap as it refuses an initialization', () => {
  const plan = planBootstrap(input({ logInit: REFUSED }));
  assert.is(plan.kind, 'held');
  assert.match(plan.kind === 'held' ? plan.message : '', /older than this AuroraCluster/);
  assert.is(plan.kind === 'held' ? plan.reason : '', 'BootstrapRefused');
  assert.is(holdsLogInit(plan), true);
});

test('an initialized log is never bootstrapped, even with the guard switched on', () => {
  const plan = planBootstrap(input({ initialized: true }));
  assert.is(plan.kind, 'held');
  assert.match(plan.kind === 'held' ? plan.message : '', /never overwritten by a bootstrap/);
});

test('an unreadable marker makes the bootstrap wait, naming the guard', () => {
  const unreadable: LogInitPlan = {
    allowed: false,
    annotate: [],
    refusal: { reason: 'MarkerUnreadable', message: 'cannot read the marker' },
  };
  const plan = planBootstrap(input({ logInit: unreadable }));
  assert.equal(plan.kind === 'held' ? plan.reason : plan.kind, 'MarkerUnreadable');
  const waiting = planBootstrap(input({ logInit: { allowed: false, annotate: [] } }));
  assert.equal(waiting.kind === 'held' ? waiting.reason : waiting.kind, 'BootstrapWaiting');
});

test('a running restore is reported with its step and what it waits for', () => {
  const restore = toBootstrapRestoreView({
    status: {
      phase: 'Running',
      step: 'Validate',
      timeline: [{ step: 'Validate', message: 'object store unreachable; retrying' }],
    },
  });
  const plan = planBootstrap(input({ restore, logInit: { allowed: false, annotate: [] } }));
  assert.is(plan.kind, 'running');
  assert.match(plan.kind === 'running' ? plan.message : '', /step Validate\): object store unreachable/);
  assert.match(plan.kind === 'running' ? plan.message : '', /latest from s3:\/\/backups\/aurora\/example\//);
});

test('success records the backup latest resolved to and the time, once', () => {
  const restore = toBootstrapRestoreView({ status: { phase: 'Succeeded', source: { name: BACKUP } } });
  const plan = planBootstrap(input({ restore, initialized: true }));
  assert.equal(plan, { kind: 'succeeded', restore: 'example-bootstrap', backupId: BACKUP });
  const status = computeBootstrapStatus(
    plan,
    { restore: 'example-bootstrap', startedAt: 'T0', message: 'x' },
    NOW,
  );
  assert.equal(status, {
    restore: 'example-bootstrap',
    startedAt: 'T0',
    backupId: BACKUP,
    completedAt: NOW.toISOString(),
  });
  // from then on nothing runs again: not with the restore gone, not with the guard allowing
  const done = planBootstrap(input({ cluster: bootstrapCluster({ bootstrap: status }), logInit: ALLOWED }));
  assert.equal(done, { kind: 'done' });
  assert.is(holdsLogInit(done), false);
  assert.equal(computeBootstrapStatus(done, status, new Date(NOW.getTime() + 60_000)), status);
});

test('a store failure keeps its object-store reason and says how to try again', () => {
  const message =
    'fetching latest from the object store under aurora/example/ to example-0 failed (BackupNotInStore): ' +
    'POST ...: HTTP 404. The cluster was not touched.';
  const restore = toBootstrapRestoreView({
    status: { phase: 'Failed', step: 'Validate', error: { step: 'Validate', message } },
  });
  const plan = planBootstrap(input({ restore }));
  assert.is(plan.kind, 'failed');
  const facts = bootstrapFacts(plan);
  assert.is(facts.problem?.reason, 'BackupNotInStore');
  assert.match(facts.problem?.message ?? '', /stays uninitialized/);
  assert.match(facts.problem?.message ?? '', /delete AuroraRestore example-bootstrap to try again/);
  assert.is(holdsLogInit(plan), true);
  const other = planBootstrap(
    input({ restore: toBootstrapRestoreView({ status: { phase: 'Failed', error: { message: 'boom' } } }) }),
  );
  assert.is(bootstrapFacts(other).problem?.reason, 'BootstrapFailed');
});

test.run();
