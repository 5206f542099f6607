// Rehearsal restores end to end (issue 22 part 3): a healthy cluster with jobs reports BackupsVerified=True naming
// its newest backup; the live ZooKeeper memberships and tasks stay untouched while the throwaway scheduler runs; a
// corrupted newest backup gives BackupsVerified=False BackupUnreadable with an event while the cluster stays Ready;
// nothing of a rehearsal (pod, NetworkPolicy, ZooKeeper nodes) is left afterwards.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServersetReader } from '../../src/aurora/serverset.ts';
import { createZkMembershipReader } from '../../src/aurora/zk-membership.ts';
import { createZkSessions } from '../../src/aurora/zk-sessions.ts';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import { conditionOf, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';
import { backupDirOf, createJob, NS, takeBackup, taskIds, waitClusterReady } from './restore-fixture.ts';

interface RehearsalClusterJson {
  metadata: { uid: string };
  status?: {
    newestBackup?: { name: string; replica?: string };
    backups?: {
      rehearsal?: { phase: string; backup: string };
      lastVerified?: { name: string; at: string; tasks?: number };
      lastFailed?: { name: string; at: string; reason: string };
    };
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

const test = suite<{ env?: E2eEnv }>('backup-rehearsal', {});
const sessions = createZkSessions(5000);
const membership = createZkMembershipReader(sessions);
const serverset = createServersetReader(5000, sessions);

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

async function cluster(e: E2eEnv): Promise<RehearsalClusterJson> {
  return JSON.parse(
    await e.kubectl(['-n', NS, 'get', 'auroracluster', 'example', '-o', 'json']),
  ) as RehearsalClusterJson;
}

/** what a rehearsal must never change: the live log group, election and serverset members */
async function liveMembership(e: E2eEnv): Promise<string> {
  const target = { endpoints: [e.state.zookeeper] };
  const [logGroup, election, members] = await Promise.all([
    membership.readLogGroup(target, '/aurora/replicated-log'),
    membership.readElection(target, '/aurora/scheduler'),
    serverset.readMembers(target, '/aurora/scheduler'),
  ]);
  return JSON.stringify({
    logGroup: logGroup.map((p) => `${p.node}=${p.data}`).sort(),
    election: election.map((p) => `${p.node}=${p.data}`).sort(),
    serverset: members.map((m) => `${m.host}:${m.port}`).sort(),
  });
}

async function rehearsalObjects(e: E2eEnv): Promise<string[]> {
  const out = await e.kubectl([
    '-n',
    NS,
    'get',
    'pods,networkpolicies',
    '-l',
    'aurora-operator.io/rehearsal-of=example',
    '-o',
    'name',
  ]);
  const uid = (await cluster(e)).metadata.uid.slice(0, 8);
  const client = await sessions.clientFor({ endpoints: [e.state.zookeeper] });
  const nodes: string[] = [];
  for (const path of [`/aurora/scheduler-rehearsal-${uid}`, `/aurora/replicated-log-rehearsal-${uid}`]) {
    const stat = await new Promise<unknown>((resolve, reject) =>
      client.exists(path, null, (err, s) => (err ? reject(err) : resolve(s))),
    );
    if (stat) nodes.push(`zk:${path}`);
  }
  return [...out.split('\n').filter(Boolean), ...nodes];
}

/** on a failure: what the operator logged about rehearsals and what the throwaway scheduler printed */
async function explain(e: E2eEnv, err: unknown): Promise<never> {
  const pods = await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'name']).catch(() => '');
  for (const pod of pods.split('\n').filter(Boolean)) {
    const lines = e
      .podLogs(OPERATOR_NAMESPACE, pod.replace('pod/', ''), 'operator')
      .split('\n')
      .filter((l) => /ehearsal/.test(l));
    console.error(`--- ${pod}\n${lines.slice(-40).join('\n')}`);
  }
  for (const container of ['scheduler', 'backup-agent'])
    console.error(
      `--- example-rehearsal/${container}\n${e.podLogs(NS, 'example-rehearsal', container).slice(-3000)}`,
    );
  console.error(JSON.stringify((await cluster(e).catch(() => undefined))?.status?.backups, null, 1));
  throw err;
}

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.27');
  const e = env(ctx);
  await e.kubectl(['create', 'namespace', NS]);
  // backups only when the test takes one, and a rehearsal every minute: each step below is one rehearsal
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 6hrs')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 6hrs')
    .replace('    maxSaved: 24\n', "    maxSaved: 24\n    verify:\n      schedule: '* * * * *'\n");
  assert.match(manifest, "schedule: '* * * * *'");
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
});

test.after(async (ctx) => {
  sessions.close();
  await ctx.env?.stop();
});

test('a healthy cluster with jobs reports BackupsVerified=True naming its newest backup, touching nothing live', async (ctx) => {
  const e = env(ctx);
  await firstTest(e).catch((err: unknown) => explain(e, err));
});

async function firstTest(e: E2eEnv): Promise<void> {
  await createJob(e, 2);
  await createJob(e, 1);
  const tasks = await waitFor('3 tasks', 60_000, async () => {
    const ids = await taskIds(e);
    return ids.length === 3 ? ids : undefined;
  });
  // a new minute, so the backup's name is not an older one's
  await sleep(61_000 - (Date.now() % 60_000));
  const { backupId } = await takeBackup(e);
  const before = await liveMembership(e);
  const uid = (await cluster(e)).metadata.uid.slice(0, 8);
  const samples: Array<{ during: boolean; membership: string }> = [];
  const verified = await waitFor(`a rehearsal verifying ${backupId}`, 300_000, async () => {
    const c = await cluster(e);
    // during: the throwaway scheduler's own log replica is in its own group at this very moment
    const rehearsalReplicas = await membership
      .readLogGroup({ endpoints: [e.state.zookeeper] }, `/aurora/replicated-log-rehearsal-${uid}`)
      .catch(() => []);
    samples.push({ during: rehearsalReplicas.length > 0, membership: await liveMembership(e) });
    if (c.status?.backups?.lastFailed?.name === backupId)
      throw new Error(`rehearsal failed: ${JSON.stringify(conditionOf(c, 'BackupsVerified'))}`);
    return c.status?.backups?.lastVerified?.name === backupId ? c : undefined;
  });
  const condition = conditionOf(verified, 'BackupsVerified');
  assert.is(condition?.status, 'True');
  assert.match(condition?.message ?? '', backupId);
  assert.match(condition?.message ?? '', '3 tasks');
  assert.is(verified.status?.backups?.lastVerified?.tasks, 3);
  assert.ok(
    samples.some((s) => s.during),
    'membership was sampled while the throwaway scheduler ran',
  );
  for (const s of samples) assert.is(s.membership, before, 'live ZooKeeper membership unchanged');
  assert.is(await liveMembership(e), before, 'and unchanged afterwards');
  assert.equal(await taskIds(e), tasks, 'the live tasks are untouched');
  assert.is(conditionOf(verified, 'Ready')?.status, 'True');
  await waitFor('no rehearsal object left', 60_000, async () =>
    (await rehearsalObjects(e)).length === 0 ? true : undefined,
  );
}

test('a corrupted newest backup gives BackupsVerified=False BackupUnreadable and an event; the cluster stays Ready', async (ctx) => {
  const e = env(ctx);
  await secondTest(e).catch((err: unknown) => explain(e, err));
});

async function secondTest(e: E2eEnv): Promise<void> {
  // corrupt just after a rehearsal finished, so the next one decodes the corrupted file from its first step
  const since = (await cluster(e)).status?.backups?.lastVerified?.at;
  const c = await waitFor('a fresh rehearsal to finish', 180_000, async () => {
    const now = await cluster(e);
    const b = now.status?.backups;
    return !b?.rehearsal && b?.lastVerified && b.lastVerified.at !== since ? now : undefined;
  });
  const newest = c.status?.newestBackup;
  assert.ok(newest?.replica, 'the operator knows which replica holds the newest backup');
  const ordinal = Number(newest.replica.split('-').at(-1));
  writeFileSync(join(backupDirOf(e, ordinal), newest.name), 'this is not a Thrift snapshot\n'.repeat(64));
  const failed = await waitFor('BackupsVerified=False', 240_000, async () => {
    const now = await cluster(e);
    return conditionOf(now, 'BackupsVerified')?.status === 'False' ? now : undefined;
  });
  const condition = conditionOf(failed, 'BackupsVerified');
  assert.is(condition?.reason, 'BackupUnreadable');
  assert.match(condition?.message ?? '', newest.name);
  assert.is(failed.status?.backups?.lastFailed?.reason, 'BackupUnreadable');
  assert.is(conditionOf(failed, 'Ready')?.status, 'True', 'the cluster stays Ready');
  const events = JSON.parse(
    await e.kubectl([
      '-n',
      NS,
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=example,reason=BackupUnreadable',
      '-o',
      'json',
    ]),
  ) as { items: Array<{ type: string; message?: string; note?: string }> };
  assert.ok(events.items.length > 0, 'an event names the failure');
  assert.is(events.items[0]?.type, 'Warning');
  await waitFor('no rehearsal object left', 60_000, async () =>
    (await rehearsalObjects(e)).length === 0 ? true : undefined,
  );
  assert.equal(await rehearsalObjects(e), []);
  const after = await cluster(e);
  assert.is(conditionOf(after, 'Ready')?.status, 'True', 'still Ready after the failed rehearsal');
}

test.run();
