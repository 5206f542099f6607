// Shared helpers of the AuroraRestore e2e suites: restores, backups, tasks through Aurora's Thrift API, markers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { OPERATOR_STATE_SUBDIR, SCHEDULER_BACKUPS_SUBDIR } from '../../src/api/contracts.ts';
import { createAuroraAdminClient, type AuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import {
  conditionOf,
  getCluster,
  startE2eEnv,
  StopWaiting,
  waitFor,
  waitForWithLogs,
  type E2eEnv,
} from './harness.ts';

export const NS = 'aurora';
export const REPLICAS = 3;

export interface RestoreJson {
  metadata: { uid: string; annotations?: Record<string, string> };
  status?: {
    phase?: string;
    step?: string;
    leader?: string;
    commitRequestedAt?: string;
    commitAttempts?: number;
    error?: { step?: string; message?: string };
    preview?: { taskCount?: number; byJob?: Record<string, number> };
    timeline?: Array<{ step: string; finishedAt?: string }>;
  };
}

export async function getRestore(e: E2eEnv, name: string): Promise<RestoreJson | undefined> {
  const out = await e.kubectl(['-n', NS, 'get', 'aurorarestore', name, '-o', 'json', '--ignore-not-found']);
  return out.trim() ? (JSON.parse(out) as RestoreJson) : undefined;
}

/** Fault-hook annotations (operator run as the test world's `aurora-operator-test`, see docs/restore.md). */
export const EXIT_AT = 'aurora-operator.io/test-exit-at';
export const PAUSE_AT = 'aurora-operator.io/test-pause-at';
export const CRASHED = 'aurora-operator.io/test-crashed-steps';

export async function createRestore(
  e: E2eEnv,
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
) {
  const manifest = {
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraRestore',
    metadata: { name, namespace: NS, annotations },
    spec: { cluster: 'example', ...spec },
  };
  await e.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
}

export async function waitPhase(
  e: E2eEnv,
  name: string,
  phase: string,
  timeoutMs: number,
): Promise<RestoreJson> {
  return waitForWithLogs(e, `${name} to reach ${phase}`, timeoutMs, async () => {
    const r = await getRestore(e, name);
    if (r?.status?.phase === 'Failed' && phase !== 'Failed') {
      throw new StopWaiting(`${name} failed at ${r.status.error?.step}: ${r.status.error?.message}`);
    }
    return r?.status?.phase === phase ? r : undefined;
  });
}

export async function leaderAdmin(e: E2eEnv): Promise<AuroraAdminClient> {
  const c = (await getCluster(e, NS, 'example')) as {
    status?: { leader?: string; members?: Array<{ name: string; podIP?: string }> };
  };
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error('no leader');
  return createAuroraAdminClient({ baseUrl: `http://${ip}:8081`, timeoutMs: 10_000 });
}

export async function waitClusterReady(e: E2eEnv): Promise<void> {
  await waitForWithLogs(e, 'example Ready with a registered leader', 300_000, async () => {
    const c = await getCluster(e, NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' &&
      conditionOf(c, 'FrameworkRegistered')?.status === 'True'
      ? c
      : undefined;
  });
}

export async function taskIds(e: E2eEnv): Promise<string[]> {
  const admin = await leaderAdmin(e);
  return (await admin.getTasksWithoutConfigs({})).map((t) => t.assignedTask.taskId).sort();
}

/** FIRST_JOB: the job startRestoreEnv creates (2 instances); fixed, as every e2e file runs in one process. */
export const FIRST_JOB = { role: 'www', environment: 'prod', name: 'first' };

let jobCounter = 0;
/** createJob creates a service job with a name new to this process and returns its key. */
export async function createJob(
  e: E2eEnv,
  instances: number,
  key = { role: 'www', environment: 'prod', name: `job${jobCounter++}` },
): Promise<typeof FIRST_JOB> {
  const admin = await leaderAdmin(e);
  await admin.createJob({ key, instanceCount: instances, taskConfig: { isService: true } });
  return key;
}

/** takeBackup writes a backup on the leader and returns its name and the task ids it holds. */
export async function takeBackup(e: E2eEnv): Promise<{ backupId: string; tasks: string[] }> {
  const admin = await leaderAdmin(e);
  const tasks = await taskIds(e);
  await admin.performBackup();
  const names = (await admin.listBackups()).filter((n) => n.startsWith('scheduler-backup-')).sort();
  const backupId = names.at(-1);
  if (!backupId) throw new Error('no backup written');
  return { backupId, tasks };
}

export async function assertRestoredCluster(e: E2eEnv, expectedTasks: string[]): Promise<void> {
  await waitClusterReady(e);
  const tasks = await waitFor('the restored task set', 60_000, async () => {
    const ids = await taskIds(e);
    return JSON.stringify(ids) === JSON.stringify(expectedTasks) ? ids : undefined;
  }).catch(async () => taskIds(e));
  assert.equal(tasks, expectedTasks, 'the scheduler holds exactly the tasks of the backup');
  const listed = await (await leaderAdmin(e)).listBackups();
  assert.ok(
    listed.every((n) => n.startsWith('scheduler-backup-')),
    `Aurora lists only backups, not the operator's state: ${listed.join(', ')}`,
  );
  const args = await e.kubectl([
    '-n',
    NS,
    'get',
    'sts',
    'example',
    '-o',
    'jsonpath={.spec.template.spec.containers[0].args}',
  ]);
  assert.not.match(args, 'no-mesos-master', 'the StatefulSet is back in its normal configuration');
  assert.match(args, '-mesos_master_address=zk://');
  assert.is(
    await e.kubectl(['-n', NS, 'get', 'sts', 'example', '-o', 'jsonpath={.spec.replicas}']),
    String(REPLICAS),
  );
  // a rehearsal restore's own policy (label rehearsal-of) may exist; it never blocks the live cluster's traffic
  const policies = await e.kubectl([
    '-n',
    NS,
    'get',
    'networkpolicy',
    '-l',
    '!aurora-operator.io/rehearsal-of',
    '-o',
    'name',
  ]);
  assert.is(policies.trim(), '', 'client traffic is unblocked');
  const annotations = await e.kubectl([
    '-n',
    NS,
    'get',
    'auroracluster',
    'example',
    '-o',
    'jsonpath={.metadata.annotations}',
  ]);
  assert.not.match(annotations, 'restore-lock', 'the cluster is unlocked');
  const cm = await e.kubectl([
    '-n',
    NS,
    'get',
    'configmap',
    'example-restore',
    '--ignore-not-found',
    '-o',
    'name',
  ]);
  assert.is(cm.trim(), '', 'the restore ConfigMap is gone');
}

/** backupDirOf: the scheduler's -backup_dir on a replica's backups volume (layout v2). */
export function backupDirOf(e: E2eEnv, ordinal: number): string {
  return join(e.pvcDir(NS, `backups-example-${ordinal}`), SCHEDULER_BACKUPS_SUBDIR);
}

/** markersOf: the restore markers (`*.done`, `*.succeeded`) in the operator's directory of a backups volume. */
export function markersOf(e: E2eEnv, ordinal: number): string[] {
  const dir = join(e.pvcDir(NS, `backups-example-${ordinal}`), OPERATOR_STATE_SUBDIR);
  return existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.done') || f.endsWith('.succeeded'))
    : [];
}

export function wipeCount(e: E2eEnv, ordinal: number, uid: string): number {
  const logs = e.podLogs(NS, `example-${ordinal}`, 'log-init');
  return logs.match(new RegExp(`restore ${uid}: wiped and initialized`, 'g'))?.length ?? 0;
}

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const OPERATOR_TEST_IMAGE = `aurora-operator-test:${PACKAGE.version}`;

/** startRestoreEnv: the local environment with the fault hook enabled and the example cluster Ready with a job. */
export async function startRestoreEnv(zookeeperHost: string): Promise<E2eEnv> {
  const e = await startE2eEnv(zookeeperHost);
  // the test entry point plugs in the fault hook, which fires only for restores carrying the test annotations
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'patch',
    'deploy/aurora-operator',
    '--type=json',
    '-p',
    JSON.stringify([
      // the test image: the operator image plus the fault-hook entry point (scripts/build-images.sh)
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: OPERATOR_TEST_IMAGE },
      { op: 'replace', path: '/spec/template/spec/containers/0/command', value: ['aurora-operator-test'] },
    ]),
  ]);
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'rollout',
    'status',
    'deploy/aurora-operator',
    '--timeout=180s',
  ]);
  await e.kubectl(['create', 'namespace', NS]);
  // no periodic backups during the test: a backup in the same minute would overwrite the one being restored
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
  await createJob(e, 2, FIRST_JOB);
  return e;
}
