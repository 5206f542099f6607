// The Impact step: the backup's summary from the agent beside it against the live leader's tasks; a leader that
// cannot be read is retried for a bounded time and then recorded as unknown, and the restore goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import { AgentBackupError } from '../../../src/agent/agent-errors.ts';
import type { AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { BOOTSTRAP_NO_LIVE_STATE, IMPACT_WAIT_MS, impact } from '../../../src/restore/impact-step.ts';
import type { RestoreEffects, StepContext } from '../../../src/restore/step.ts';
import { ScheduleStatus, type ScheduledTask } from '../../../src/thrift/api-types.ts';
import { BOOTSTRAP_OF_LABEL } from '../../../src/api/bootstrap-spec.ts';
import { bootstrapCluster } from '../cluster/bootstrap-fixture.ts';
import { BACKUP, makeRestore, pod, runningWorld } from './fixtures.ts';

const START = new Date('2024-02-01T00:00:00Z');

const scheduled = (taskId: string, name: string, instanceId = 0): ScheduledTask => ({
  assignedTask: {
    taskId,
    instanceId,
    slaveHost: 'h1',
    task: { job: { role: 'www', environment: 'prod', name } },
  },
  status: ScheduleStatus.RUNNING,
});

function contextAt(
  now: Date,
  opts: { live?: () => Promise<ScheduledTask[]>; summary?: () => Promise<unknown>; active?: boolean } = {},
) {
  const pages: Array<{ offset?: number; limit?: number }> = [];
  const agents = {
    summarizeBackup:
      opts.summary ??
      (async () => ({
        name: BACKUP,
        size: 1,
        timestamp: Date.parse('2024-01-31T23:00:00Z'),
        tasks: [{ id: 'a-0', job: 'www/prod/a', instance: 0, status: 'RUNNING', host: 'h1', config: 'x' }],
        cronJobs: [],
        quotas: [],
      })),
  } as unknown as AgentClient;
  const admin = {
    getTasksStatus: async (q: { offset?: number; limit?: number }) => {
      pages.push(q);
      return (opts.live ?? (async () => [scheduled('a-0', 'a'), scheduled('c-0', 'c')]))();
    },
  } as unknown as AuroraAdminClient;
  const fx = { agents: async () => agents, admin: () => admin, now: () => now } as unknown as RestoreEffects;
  const restore = makeRestore(
    {},
    {
      source: { name: BACKUP, pod: 'example-1', snapshotAt: '2024-01-31T23:00:00.000Z' },
      timeline: [
        { step: 'Validate', startedAt: 't', finishedAt: 't' },
        { step: 'Impact', startedAt: START.toISOString() },
      ],
    },
  );
  const pods = [0, 1, 2].map((i) =>
    pod(i, { lifecycle: i === 0 && opts.active !== false ? 'ACTIVE' : 'STORAGE_PREPARED' }),
  );
  const ctx: StepContext = { restore, world: runningWorld({ pods }), fx, saveStatus: async () => undefined };
  return { ctx, pages };
}

test('with an ACTIVE leader the impact is computed from the agent summary and the live tasks', async () => {
  const { ctx, pages } = contextAt(START);
  const outcome = await performStep(impact, ctx);
  const recorded = outcome.status?.impact;
  assert.is(recorded?.known, true);
  assert.is(recorded?.leader, 'example-0');
  assert.equal(recorded?.killed?.taskIds, ['c-0']);
  assert.is(recorded?.backupAge, '1h0m');
  assert.equal(
    pages.map((q) => [q.offset, q.limit]),
    [[0, 500]],
    'one page: fewer tasks than a page',
  );
  assert.match(outcome.message ?? '', /^impact: will kill 1 task in 1 job created after the backup/);
});

test('no leader: retried (thrown) within the bound, then recorded as unknown with the reason, never failing', async () => {
  const early = contextAt(new Date(START.getTime() + 5_000), { active: false });
  const retried = await performStep(impact, early.ctx).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(retried, Error);
  assert.not.instance(retried, TerminalError);
  assert.match((retried as Error).message, /no scheduler is ACTIVE/);
  const late = contextAt(new Date(START.getTime() + IMPACT_WAIT_MS + 1), { active: false });
  const outcome = await performStep(impact, late.ctx);
  assert.is(outcome.status?.impact?.known, false);
  assert.match(outcome.status?.impact?.reason ?? '', /no scheduler is ACTIVE .*retried for 30s/);
  assert.match(outcome.status?.impact?.summary ?? '', /^impact unknown \(/);
  assert.equal(
    outcome.events?.map((e) => e.reason),
    ['ImpactUnknown'],
  );
});

test("a cluster's own bootstrap restore onto a log never initialized records unknown at once, without a leader", async () => {
  const { ctx } = contextAt(new Date(START.getTime() + 1_000), { active: false });
  const labelled = {
    ...ctx.restore,
    metadata: { ...ctx.restore.metadata, labels: { [BOOTSTRAP_OF_LABEL]: 'example' } },
  };
  const outcome = await performStep(impact, {
    ...ctx,
    restore: labelled,
    world: { ...ctx.world, cluster: bootstrapCluster() },
  });
  assert.is(outcome.status?.impact?.known, false);
  assert.match(outcome.status?.impact?.reason ?? '', /being bootstrapped from this backup/);
  assert.equal(outcome.events ?? [], [], 'known to have no live state: no Warning');
  assert.equal(impact.decide({ restore: labelled, world: { ...ctx.world, cluster: bootstrapCluster() } }), {
    kind: 'agent',
    call: 'readImpact',
    unknownAfterMs: IMPACT_WAIT_MS,
    noLiveState: BOOTSTRAP_NO_LIVE_STATE,
  });
  // the same restore once the log is initialized, or without the label, waits for a leader as any restore does
  const initialized = bootstrapCluster({ replicatedLog: { initialized: true } } as never);
  for (const world of [
    { ...ctx.world, cluster: initialized },
    { ...ctx.world, cluster: bootstrapCluster() },
  ]) {
    const restore = world.cluster === initialized ? labelled : ctx.restore;
    const thrown = await performStep(impact, { ...ctx, restore, world }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.match(String(thrown), /no scheduler is ACTIVE/);
  }
});

test('a leader read that keeps failing transiently also ends in unknown, after the bound', async () => {
  const failing = async (): Promise<ScheduledTask[]> => {
    throw new Error('getTasksStatus: ERROR_TRANSIENT: Storage is not READY');
  };
  const { ctx } = contextAt(new Date(START.getTime() + IMPACT_WAIT_MS + 1), { live: failing });
  const outcome = await performStep(impact, ctx);
  assert.is(outcome.status?.impact?.known, false);
  assert.match(outcome.status?.impact?.reason ?? '', /Storage is not READY/);
});

test('a backup the agent cannot summarize fails terminally, before anything is touched', async () => {
  const unreadable = async () => {
    const err = new AgentBackupError('AGENT_BACKUP_UNREADABLE', 'backup b on 127.0.9.2: truncated');
    throw err;
  };
  const { ctx } = contextAt(START, { summary: unreadable });
  const err = await performStep(impact, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, TerminalError);
  assert.is((err as TerminalError).reason, 'BackupUnreadable');
  assert.match((err as Error).message, /truncated\. The cluster was not touched/);
});

test('done once recorded, or when the restore already went past it', () => {
  assert.ok(impact.done({ restore: makeRestore({}, { impact: { known: false } }), world: runningWorld() }));
  const past = makeRestore({}, { timeline: [{ step: 'Lock', startedAt: 't' }] });
  assert.ok(impact.done({ restore: past, world: runningWorld() }));
  assert.not.ok(impact.done({ restore: makeRestore(), world: runningWorld() }));
});

test.run();
