// Each Staged step over observed fixtures: the world before it chooses it, the world after skips it; and over the
// memory world, each action run again on the world it left changes nothing there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import { nextMove } from '../../../src/restore/plan.ts';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { markFinished } from '../../../src/restore/restore-status.ts';
import { STAGED_STEPS } from '../../../src/restore/staged-steps.ts';
import { STAGED } from '../../../src/restore/tables.ts';
import type { RestoreStep } from '../../../src/restore/step.ts';
import { digestTaskIds } from '../../../src/restore/task-digest.ts';
import type { World, WorldPod } from '../../../src/restore/world.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, finished, makeRestore, pod, runningWorld, situation, UID } from './fixtures.ts';

const ORDER = STAGED_STEPS.map((s) => s.name);
const before = (step: string) => ORDER.slice(0, ORDER.indexOf(step));

function moveAt(
  step: string,
  world: World,
  extra: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
) {
  const restore = makeRestore(spec, { ...finished(...before(step)), ...extra });
  return nextMove(STAGED, situation(world, restore));
}

function assertChooses(step: string, world: World, extra = {}, spec = {}) {
  const move = moveAt(step, world, extra, spec);
  assert.is(move.kind, 'run', `${step} runs before its postcondition holds`);
  assert.is(move.kind === 'run' ? move.step.name : '', step);
}

function assertSkips(step: string, world: World, extra = {}, spec = {}) {
  const move = moveAt(step, world, extra, spec);
  assert.is(move.kind, 'mark-done', `${step} is only checkpointed once its postcondition holds`);
  assert.is(move.kind === 'mark-done' ? move.step.name : '', step);
}

const locked = (w: Partial<World> = {}) => runningWorld({ lockHolder: 'r1', ...w });
const recovering = (
  pods = [0, 1, 2].map((i) =>
    pod(i, {
      markers: [`${UID}.wipe.done`],
      lifecycle: i === 1 ? 'LEADER_AWAITING_REGISTRATION' : 'STORAGE_PREPARED',
      frameworkRegistered: false,
      revision: 'rev-recovery',
    }),
  ),
) =>
  locked({
    networkPolicy: true,
    restoreConfig: { restoreId: UID, action: 'wipe' },
    statefulSet: {
      exists: true,
      replicas: 3,
      mode: 'recovery',
      synced: true,
      updateRevision: 'rev-recovery',
    },
    pods,
  });
const source = { source: { pod: 'example-0' } };
const leader = { ...source, leader: 'example-1' };
const BACKUP_AT = '2024-01-31T23:00:10.000Z';

test('Validate runs until the source is recorded', () => {
  assertChooses('Validate', runningWorld());
  assertSkips('Validate', runningWorld(), source);
});

test('Lock runs until the cluster carries our lock', () => {
  assertChooses('Lock', runningWorld(), source);
  assertChooses('Lock', runningWorld({ lockHolder: 'other' }), source);
  assertChooses('Lock', locked(), source);
  assertSkips('Lock', locked({ lockAcknowledged: 'r1' }), source);
});

test('BlockTraffic: a NetworkPolicy, or nothing when the spec says not to block', () => {
  assertChooses('BlockTraffic', locked(), source);
  assertSkips('BlockTraffic', locked({ networkPolicy: true }), source);
  assertSkips('BlockTraffic', locked(), source, { blockClientTraffic: false });
});

test('StopSchedulers waits until replicas 0 and no pod is left', () => {
  const scaled = { exists: true, replicas: 0, mode: 'normal' as const, synced: true };
  assertChooses('StopSchedulers', locked({ networkPolicy: true }), source);
  assertChooses(
    'StopSchedulers',
    locked({ networkPolicy: true, statefulSet: scaled, pods: [pod(2, { deleting: true })] }),
    source,
  );
  assertSkips('StopSchedulers', locked({ networkPolicy: true, statefulSet: scaled, pods: [] }), source);
});

test('Configure: restore ConfigMap says wipe and the StatefulSet is in recovery mode with 0 replicas', () => {
  const stopped = { exists: true, replicas: 0, mode: 'normal' as const, synced: true };
  assertChooses('Configure', locked({ statefulSet: stopped, pods: [] }), source);
  assertChooses(
    'Configure',
    locked({
      statefulSet: { ...stopped, mode: 'recovery' },
      pods: [],
      restoreConfig: { restoreId: 'older', action: 'wipe' },
    }),
    source,
  );
  assertSkips(
    'Configure',
    locked({
      statefulSet: { ...stopped, mode: 'recovery' },
      pods: [],
      restoreConfig: { restoreId: UID, action: 'wipe' },
    }),
    source,
  );
});

test('StartSchedulers waits for every replica running with its wipe marker', () => {
  const w = recovering();
  assertSkips('StartSchedulers', w, source);
  const missingMarker = recovering(w.pods.map((p, i) => (i === 2 ? { ...p, markers: [] } : p)));
  assertChooses('StartSchedulers', missingMarker, source);
  assertChooses('StartSchedulers', recovering(w.pods.slice(0, 2)), source);
});

test('FindLeader: a pod in LEADER_AWAITING_REGISTRATION recorded as leader', () => {
  assertChooses('FindLeader', recovering(), source);
  assertSkips('FindLeader', recovering(), leader);
});

test('PlaceBackup: the backup is in the leader backup directory', () => {
  assertChooses('PlaceBackup', recovering(), leader);
  const taken = '2024-01-31T23:00:10.000Z';
  const withCopy = (mtime: string) =>
    recovering().pods.map((p) =>
      p.name === 'example-1' ? { ...p, backups: [{ name: BACKUP, size: 1, mtime }] } : p,
    );
  const placed = { ...leader, source: { pod: 'example-0', size: 1, takenAt: taken } };
  assertSkips('PlaceBackup', recovering(withCopy(taken)), placed);
  // the leader's own older file with the same name must be replaced by the validated one
  assertChooses('PlaceBackup', recovering(withCopy('2024-01-31T23:00:01.000Z')), placed);
});

test('StageRecovery and DeleteTasks follow the leader staged state', () => {
  assertChooses('StageRecovery', recovering(), leader);
  const staged = { kind: 'staged' as const, taskIds: ['t1', 't2'], jobKeys: ['www/prod/a'] };
  assertSkips('StageRecovery', { ...recovering(), staged }, leader);
  const spec = { deleteTasks: { taskIds: ['t2'] } };
  assertChooses('DeleteTasks', { ...recovering(), staged }, { ...leader, preview: { taskCount: 2 } }, spec);
  assertSkips(
    'DeleteTasks',
    { ...recovering(), staged: { ...staged, taskIds: ['t1'] } },
    { ...leader, preview: { taskCount: 2 } },
    spec,
  );
});

test('Approval waits for approved when required', () => {
  const w = { ...recovering(), staged: { kind: 'staged' as const, taskIds: [], jobKeys: [] } };
  const s = { ...leader, preview: { taskCount: 0 } };
  assertChooses('Approval', w, s, { approval: { required: true } });
  assertSkips('Approval', w, s, { approval: { required: true, approved: true } });
  assertSkips('Approval', w, s);
});

const DIGEST_T1_T2 = digestTaskIds(['t1', 't2']);
const approved = { ...leader, preview: { taskCount: 2 }, staged: { taskCount: 2, digest: DIGEST_T1_T2 } };
const intent = { ...approved, commitRequestedAt: 't', commitAttempts: 1 };
const stored = (taskIds: string[]) => ({ kind: 'tasks' as const, pod: 'example-2', taskIds });

test('Commit is done only when the log holds exactly the staged snapshot, never because nothing is staged', () => {
  const staged = { ...recovering(), staged: { kind: 'staged' as const, taskIds: ['t1', 't2'], jobKeys: [] } };
  assertChooses('Commit', staged, approved);
  assertChooses('Commit', staged, intent);
  // nothing staged and nothing known about storage: not done, the step waits to verify
  assertChooses('Commit', { ...recovering(), staged: { kind: 'none' } }, intent);
  const unknown = { kind: 'unknown' as const, reason: 'no leader' };
  assertChooses('Commit', { ...recovering(), staged: { kind: 'none' }, stored: unknown }, intent);
  assertSkips('Commit', { ...recovering(), staged: { kind: 'none' }, stored: stored(['t2', 't1']) }, intent);
  // the stored state proves nothing without the intent; before it, nothing staged means the staged backup is gone
  const lost = moveAt(
    'Commit',
    { ...recovering(), staged: { kind: 'none' }, stored: stored(['t1', 't2']) },
    approved,
  );
  assert.equal(lost, {
    kind: 'rewind',
    to: 'FindLeader',
    reason: 'the backup staged on example-1 is gone (its scheduler restarted); staging it again',
  });
});

test('after the intent, an empty log with nothing staged means the commit never landed: stage again', () => {
  const status = { ...finished(...before('Commit')), ...intent };
  const world = { ...recovering(), staged: { kind: 'none' as const }, stored: stored([]) };
  const move = nextMove(STAGED, situation(world, makeRestore({}, status)));
  assert.is(move.kind, 'rewind');
  assert.is(move.kind === 'rewind' ? move.to : '', 'FindLeader');
  assert.match(move.kind === 'rewind' ? move.reason : '', /did not land/);
  // once rewound, nothing is decided again until the backup is staged anew
  const { leader: _leader, ...withoutLeader } = intent;
  const rewound = { ...finished(...before('FindLeader')), ...withoutLeader };
  const again = nextMove(STAGED, situation(world, makeRestore({}, rewound)));
  assert.is(again.kind === 'run' ? again.step.name : again.kind, 'FindLeader');
});

test('after the intent, a log that holds something else stops the restore instead of reporting success', () => {
  const status = { ...finished(...before('Commit')), ...intent };
  const world = { ...recovering(), staged: { kind: 'none' as const }, stored: stored(['t1']) };
  const move = nextMove(STAGED, situation(world, makeRestore({}, status)));
  assert.is(move.kind, 'fail');
  assert.match(move.kind === 'fail' ? move.reason : '', /not the staged snapshot/);
});

test('after the intent, a staged backup on the leader is committed again rather than rewound', () => {
  const status = { ...finished(...before('Commit')), ...intent };
  const world = {
    ...recovering(),
    staged: { kind: 'staged' as const, taskIds: ['t1', 't2'], jobKeys: [] },
    stored: stored([]),
  };
  const move = nextMove(STAGED, situation(world, makeRestore({}, status)));
  assert.is(move.kind === 'run' ? move.step.name : move.kind, 'Commit');
});

test('RestoreConfiguration: normal StatefulSet, pods on its revision, ConfigMap gone', () => {
  const normal = {
    exists: true,
    replicas: 3,
    mode: 'normal' as const,
    synced: true,
    updateRevision: 'rev-normal',
  };
  const c = { ...leader, commitRequestedAt: 't' };
  assertChooses('RestoreConfiguration', recovering(), c);
  const { restoreConfig: _cfg, ...withoutConfig } = recovering();
  assertChooses('RestoreConfiguration', { ...withoutConfig, statefulSet: normal }, c);
  assertSkips('RestoreConfiguration', locked({ networkPolicy: true }), c);
});

test('UnblockTraffic, WaitReady and Unlock', () => {
  const c = { ...leader, commitRequestedAt: 't' };
  assertChooses('UnblockTraffic', locked({ networkPolicy: true }), c);
  assertSkips('UnblockTraffic', locked(), c);
  assertChooses('WaitReady', locked({ clusterReady: false }), c);
  assertSkips('WaitReady', locked(), c);
  assertChooses('Unlock', locked(), c);
  assertSkips('Unlock', runningWorld(), c);
});

test('MarkSucceeded: every replica lists this restore as succeeded before the cluster is unlocked', () => {
  assert.equal(ORDER.slice(-3), ['WaitReady', 'MarkSucceeded', 'Unlock']);
  const c = { ...leader, commitRequestedAt: 't' };
  const withMarkers = (byOrdinal: (i: number) => string[]) =>
    locked({ pods: [0, 1, 2].map((i) => pod(i, { markers: [`${UID}.wipe.done`, ...byOrdinal(i)] })) });
  assertChooses(
    'MarkSucceeded',
    withMarkers(() => []),
    c,
  );
  assertChooses(
    'MarkSucceeded',
    withMarkers((i) => (i < 2 ? [`${UID}.succeeded`] : [])),
    c,
  );
  // another restore's success, or this one's wipe, says nothing about this restore's success
  assertChooses(
    'MarkSucceeded',
    withMarkers(() => ['other-uid.succeeded']),
    c,
  );
  const all = withMarkers(() => [`${UID}.succeeded`]);
  // an agent that does not answer, or a replica that is gone, cannot show its marker
  const { markers: _unknown, ...silent } = all.pods[2]!;
  assertChooses('MarkSucceeded', { ...all, pods: [all.pods[0]!, all.pods[1]!, silent] }, c);
  assertChooses('MarkSucceeded', { ...all, pods: all.pods.slice(0, 2) }, c);
  assertSkips('MarkSucceeded', all, c);
});

test('every step checkpointed: the restore is complete', () => {
  const restore = makeRestore({}, finished(...ORDER));
  assert.equal(nextMove(STAGED, situation(runningWorld(), restore)), { kind: 'complete' });
});

test('losing the leader before commit rewinds to FindLeader; after commit it does not', () => {
  const lost = recovering().pods.map((p) => ({ ...p, lifecycle: 'STORAGE_PREPARED' as const }));
  const status = { ...finished(...before('StageRecovery')), ...leader };
  const move = nextMove(STAGED, situation(recovering(lost), makeRestore({}, status)));
  assert.is(move.kind, 'rewind');
  assert.is(move.kind === 'rewind' ? move.to : '', 'FindLeader');
  const committed = { ...finished(...before('RestoreConfiguration')), ...leader, commitRequestedAt: 't' };
  const after = nextMove(STAGED, situation(recovering(lost), makeRestore({}, committed)));
  assert.is(after.kind === 'run' ? after.step.name : after.kind, 'RestoreConfiguration');
});

test('a hung leader that answers no probe while another scheduler leads rewinds to FindLeader', () => {
  const silent = (p: WorldPod): WorldPod => {
    const { lifecycle: _gone, ...rest } = p;
    return rest;
  };
  const hung = recovering().pods.map((p) =>
    p.name === 'example-1'
      ? silent(p)
      : p.name === 'example-2'
        ? { ...p, lifecycle: 'LEADER_AWAITING_REGISTRATION' as const }
        : p,
  );
  const status = { ...finished(...before('StageRecovery')), ...leader };
  const move = nextMove(STAGED, situation(recovering(hung), makeRestore({}, status)));
  assert.is(move.kind, 'rewind');
  assert.match(move.kind === 'rewind' ? move.reason : '', /example-2 leads now/);
  // hung but nobody else leads yet: wait, do not rewind
  const alone = recovering().pods.map((p) => (p.name === 'example-1' ? silent(p) : p));
  const waiting = nextMove(STAGED, situation(recovering(alone), makeRestore({}, status)));
  assert.is(waiting.kind === 'run' ? waiting.step.name : waiting.kind, 'StageRecovery');
});

/** what a step's action could change: every stored object (by the store's resourceVersion) and the Aurora side */
function effectsOf(w: RestoreWorld): { resourceVersion: number; aurora: string } {
  const { log, preRestoreLog, staged, leader: lead, replicas, commitCalls, snapshots } = w.aurora;
  const aurora = { log, preRestoreLog, staged, lead, replicas: [...replicas], commitCalls, snapshots };
  return { resourceVersion: w.kube.resourceVersion, aurora: JSON.stringify(aurora) };
}

/**
 * rerun runs the step's action again on a fresh view of the world the first run left, as a resumed operator does,
 * and returns the commitRecovery calls it sent: a real commit ends in a failover even when nothing is staged.
 */
async function rerun(w: RestoreWorld, step: RestoreStep): Promise<number> {
  const restore = w.restore();
  const base = w.deps().fx;
  let commits = 0;
  const fx = {
    ...base,
    admin: (podIP: string, port: number) => {
      const client = base.admin(podIP, port);
      return { ...client, commitRecovery: () => (commits++, client.commitRecovery()) };
    },
  };
  await performStep(step, {
    restore,
    world: await w.observe(restore),
    fx,
    saveStatus: (patch) => fx.kube.applyStatus(w.restoreRef, { ...restore.status, ...patch }),
  });
  return commits;
}

test('re-runs are no-ops: each action run again on the world it left writes nothing new and calls no RPC with effect', async () => {
  const w = new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore({ approval: { required: true }, deleteTasks: { taskIds: ['www-prod-web-1'] } }),
    tasks: ['old-prod-web-0'],
    backup: {
      id: BACKUP,
      tasks: ['www-prod-web-0', 'www-prod-web-1'],
      ordinal: 2,
      takenAt: BACKUP_AT,
      size: 1,
    },
  });
  const rerunSteps = new Set<string>();
  for (let pass = 0; pass < 200 && w.restore().status?.phase !== 'Succeeded'; pass++) {
    w.tick();
    if (w.restore().status?.phase === 'AwaitingApproval')
      w.patchRestoreSpec({ approval: { approved: true } });
    // a pass checkpoints the steps its observation shows done, then takes the next move on the same observation
    let restore = w.restore();
    const seen = await w.observe(restore);
    let move = nextMove(STAGED, situation(seen, restore));
    while (move.kind === 'mark-done') {
      restore = { ...restore, status: markFinished(restore.status ?? {}, move.step.name, new Date()) };
      move = nextMove(STAGED, situation(seen, restore));
    }
    const startedBefore = new Set(
      (restore.status?.timeline ?? []).filter((t) => t.startedAt).map((t) => t.step),
    );
    await reconcileAuroraRestore(`${w.namespace}/${restore.metadata.name}`, w.deps());
    // the move taken, and any step the same pass went on to after a step finished by its own record or read back
    const ran = new Set(move.kind === 'run' ? [move.step.name] : []);
    for (const t of w.restore().status?.timeline ?? []) {
      if (t.startedAt && !startedBefore.has(t.step)) ran.add(t.step);
    }
    for (const name of ran) {
      const step = STAGED.steps.find((x) => x.name === name);
      if (!step) throw new Error(`no step ${name}`);
      const left = effectsOf(w);
      const context = `${name} run again after pass ${pass}`;
      assert.is(await rerun(w, step), 0, `${context} sent commitRecovery`);
      assert.equal(effectsOf(w), left, context);
      rerunSteps.add(name);
    }
  }
  assert.is(w.restore().status?.phase, 'Succeeded');
  assert.is(w.aurora.commitCalls, 1, 'commitRecovery was sent once');
  // WaitReady runs too: the pass that reads back UnblockTraffic's delete goes on to it on the world it observed
  assert.equal([...rerunSteps].sort(), [...ORDER].sort(), 'every step was run again');
});

test.run();
