// A Staged restore whose leader's storage answers "Storage is not READY" right at Commit waits it out, then succeeds
// with one commit attempt. Needs the simulator's storageNotReady fault switch.
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor, type E2eEnv } from './harness.ts';
import {
  assertRestoredCluster,
  createJob,
  createRestore,
  getRestore,
  NS,
  startRestoreEnv,
  takeBackup,
  waitPhase,
} from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('storage-not-ready', {});

test.before(async (ctx) => {
  ctx.env = await startRestoreEnv('127.0.3.21');
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

interface Progress {
  phase: string | undefined;
  commitMessage: string | undefined;
  progressing: string | undefined;
}

async function progressOf(e: E2eEnv, name: string): Promise<Progress> {
  const r = (await getRestore(e, name)) as
    | {
        status?: {
          phase?: string;
          timeline?: Array<{ step: string; message?: string }>;
          conditions?: Array<{ type: string; message?: string }>;
        };
      }
    | undefined;
  return {
    phase: r?.status?.phase,
    commitMessage: r?.status?.timeline?.find((t) => t.step === 'Commit')?.message,
    progressing: r?.status?.conditions?.find((c) => c.type === 'Progressing')?.message,
  };
}

async function setStorageNotReady(e: E2eEnv, pod: string, on: boolean): Promise<void> {
  const ip = (await e.kubectl(['-n', NS, 'get', 'pod', pod, '-o', 'jsonpath={.status.podIP}'])).trim();
  const res = await fetch(`http://${ip}:8081/sim/faults`, {
    method: 'POST',
    body: JSON.stringify({ storageNotReady: on }),
  });
  assert.is(res.status, 200, `the fault switch on ${pod} answered`);
}

const NOT_READY_FOR_MS = 6_000;

test('Staged: the leader storage not READY at Commit is waited out; Succeeded with one commit attempt', async (ctx) => {
  const e = ctx.env;
  if (!e) throw new Error('environment not started');
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'not-ready', { backupId, approval: { required: true } });
  const waiting = await waitPhase(e, 'not-ready', 'AwaitingApproval', 300_000);
  const leader = waiting.status?.leader;
  if (!leader) throw new Error('no leader recorded at Approval');
  await setStorageNotReady(e, leader, true);

  const samples: Progress[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      // a sample the API server does not answer (e.g. the environment stopping after a failure) is skipped
      const p = await progressOf(e, 'not-ready').catch(() => undefined);
      if (p) samples.push(p);
      await sleep(300);
    }
  })();
  // the sampler stops however this ends, so a failure cannot leave it polling a stopped environment
  const run = async () => {
    await e.kubectl([
      '-n',
      NS,
      'patch',
      'aurorarestore',
      'not-ready',
      '--type=merge',
      '-p',
      '{"spec":{"approval":{"approved":true}}}',
    ]);
    const retrying = await waitFor('Commit to retry on the refusal', 120_000, async () => {
      const p = await progressOf(e, 'not-ready');
      return /not sent yet: the leader's storage is not READY/.test(p.commitMessage ?? '') ? p : undefined;
    });
    await sleep(NOT_READY_FOR_MS);
    const during = await progressOf(e, 'not-ready');
    await setStorageNotReady(e, leader, false);
    console.log(`while not READY: ${retrying.commitMessage} / then ${during.commitMessage}`);
    const done = await waitPhase(e, 'not-ready', 'Succeeded', 300_000);
    return { retrying, during, done };
  };
  const { retrying, during, done } = await run().finally(() => {
    sampling = false;
  });
  await sampler;

  assert.match(retrying.progressing ?? '', /Storage is not READY/, 'Progressing names the refusal');
  // a refusal is a wait with what happened and for how long, not a fault retried with back-off
  assert.match(
    during.commitMessage ?? '',
    /not sent yet: the leader's storage is not READY for \d+ s \(.*Storage is not READY/,
  );
  assert.is(during.phase, 'Running', 'the refusal kept the phase');
  assert.is(done.status?.commitAttempts, 1, 'the refusals spent no commit attempt');
  const phases = [...new Set(samples.map((s) => s.phase))];
  assert.ok(
    phases.every((p) => p === 'Running' || p === 'AwaitingApproval' || p === 'Succeeded'),
    `phases seen: ${phases.join(', ')}`,
  );
  await assertRestoredCluster(e, tasks);
});

test.run();
