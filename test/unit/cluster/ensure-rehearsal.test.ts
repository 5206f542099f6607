// The rehearsal's effects against fakes: an unreadable backup creates nothing, isolation applies the policy after
// removing stale nodes, the comparison reads the rehearsal scheduler, and clean-up deletes all three kinds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { RehearsalStatus } from '../../../src/api/aurora-cluster.ts';
import { AgentBackupError } from '../../../src/agent/agent-errors.ts';
import type { BackupSummary } from '../../../src/aurora/backup-summary.ts';
import {
  ensureRehearsalAction,
  observeRehearsal,
  type RehearsalDeps,
} from '../../../src/cluster/ensure-rehearsal.ts';
import type { KubeClient } from '../../../src/k8s/kube-client.ts';
import type { ScheduledTask } from '../../../src/thrift/api-types.ts';
import { cluster } from './fixtures.ts';

const live = cluster();
const checkpoint: RehearsalStatus = {
  phase: 'Isolate',
  backup: 'scheduler-backup-2026-12-06-03-00',
  replica: 'example-0',
  startedAt: '2026-12-06T03:58:00Z',
};
const task = (id: string, name = 'hello'): ScheduledTask =>
  ({
    assignedTask: { taskId: id, instanceId: 0, task: { job: { role: 'www', environment: 'prod', name } } },
    status: 2,
  }) as unknown as ScheduledTask;
const summary = (ids: string[]): BackupSummary => ({
  name: checkpoint.backup,
  size: 10,
  timestamp: Date.parse('2026-12-06T03:00:00Z'),
  tasks: ids.map((id) => ({ id, job: 'www/prod/hello', instance: 0, status: 'RUNNING', config: 'c' })),
  cronJobs: [],
  quotas: [],
});

function fakes(opts: { summary?: BackupSummary | Error; live?: ScheduledTask[] } = {}) {
  const calls: string[] = [];
  const kube: KubeClient = {
    apply: async <T extends KubernetesObject>(obj: T) => {
      calls.push(`apply ${obj.kind}/${obj.metadata?.name}`);
      return obj;
    },
    applyStatus: async () => undefined,
    mergePatch: async () => undefined,
    delete: async (ref) => {
      calls.push(`delete ${ref.kind}/${ref.name}`);
      return true;
    },
    recordEvent: async () => undefined,
  };
  const pods: Record<string, V1Pod> = { 'example-0': { status: { podIP: '127.0.3.30' } } };
  const deps: RehearsalDeps = {
    kube,
    cachedPod: (_ns, name) => pods[name],
    networkPolicyExists: async () => false,
    zk: {
      exists: async (_t, path) => path.includes('rehearsal'),
      removeTree: async (target, path) => {
        calls.push(`zk remove ${target.chrootPath ?? ''}${path}`);
      },
    },
    agents: () => ({
      listBackups: async () => [{ name: checkpoint.backup }],
      copyBackup: async (from, to) => {
        calls.push(`copy ${from.host} -> ${to.host}`);
        return 10;
      },
      summarizeBackup: async (at) => {
        calls.push(`summarize on ${at.host}`);
        if (opts.summary instanceof Error) throw opts.summary;
        return opts.summary ?? summary(['a', 'b']);
      },
    }),
    lifecycle: async () => 'LEADER_AWAITING_REGISTRATION',
    readTasks: async (host) => {
      calls.push(`read tasks on ${host}`);
      return opts.live ?? [task('a'), task('b')];
    },
    digestCredentials: async () => undefined,
  };
  return { deps, calls };
}

test('an unreadable backup ends the rehearsal at Isolate with nothing created', async () => {
  const { deps, calls } = fakes({
    summary: new AgentBackupError('AGENT_BACKUP_UNREADABLE', 'truncated at byte 7'),
  });
  const patch = await ensureRehearsalAction(live, checkpoint, { kind: 'isolate' }, deps);
  assert.is(patch.outcome?.reason, 'BackupUnreadable');
  assert.match(patch.outcome?.message ?? '', /truncated at byte 7/);
  assert.equal(calls, ['summarize on 127.0.3.30']);
});

test('a transient agent error is retried, not a result', async () => {
  const { deps } = fakes({ summary: new Error('connect ECONNREFUSED') });
  const err = await ensureRehearsalAction(live, checkpoint, { kind: 'isolate' }, deps).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match(String(err), /ECONNREFUSED/);
});

test('isolate removes stale rehearsal nodes, applies the policy and records the task count and snapshot time', async () => {
  const { deps, calls } = fakes();
  const patch = await ensureRehearsalAction(live, checkpoint, { kind: 'isolate' }, deps);
  assert.equal(patch, { tasks: 2, takenAt: '2026-12-06T03:00:00.000Z' });
  assert.equal(calls, [
    'summarize on 127.0.3.30',
    'zk remove /aurora/scheduler-rehearsal-u1',
    'zk remove /aurora/replicated-log-rehearsal-u1',
    'apply NetworkPolicy/example-rehearsal',
  ]);
});

test('compare reads the rehearsal scheduler: equal tasks verify, a missing one differs', async () => {
  const ok = fakes();
  const verified = await ensureRehearsalAction(
    live,
    checkpoint,
    { kind: 'compare', host: '127.0.3.40' },
    ok.deps,
  );
  assert.is(verified.outcome?.verified, true);
  assert.ok(ok.calls.includes('read tasks on 127.0.3.40'));
  const short = fakes({ live: [task('a')] });
  const differ = await ensureRehearsalAction(
    live,
    checkpoint,
    { kind: 'compare', host: '127.0.3.40' },
    short.deps,
  );
  assert.is(differ.outcome?.reason, 'TasksDiffer');
  assert.match(differ.outcome?.message ?? '', /1 missing \(b\)/);
});

test('create-pod and copy-backup; clean-up deletes the pod, the policy and both ZooKeeper trees', async () => {
  const { deps, calls } = fakes();
  await ensureRehearsalAction(live, checkpoint, { kind: 'create-pod' }, deps);
  await ensureRehearsalAction(live, checkpoint, { kind: 'copy-backup', host: '127.0.3.40' }, deps);
  await ensureRehearsalAction(live, checkpoint, { kind: 'clean-up' }, deps);
  assert.equal(calls, [
    'apply Pod/example-rehearsal',
    'copy 127.0.3.30 -> 127.0.3.40',
    'delete Pod/example-rehearsal',
    'delete NetworkPolicy/example-rehearsal',
    'zk remove /aurora/scheduler-rehearsal-u1',
    'zk remove /aurora/replicated-log-rehearsal-u1',
  ]);
});

test('observation sees leftover ZooKeeper nodes and reads the lifecycle once the backup is placed', async () => {
  const { deps } = fakes();
  deps.cachedPod = (_ns, name) =>
    name === 'example-rehearsal'
      ? {
          metadata: { uid: 'p1' },
          status: {
            podIP: '127.0.3.40',
            containerStatuses: [
              {
                name: 'backup-agent',
                ready: false,
                image: '',
                imageID: '',
                restartCount: 0,
                state: { running: {} },
              },
            ],
          },
        }
      : { status: { podIP: '127.0.3.30' } };
  const w = await observeRehearsal(live, checkpoint, deps);
  assert.is(w.zkNodes, true);
  assert.is(w.placed, true);
  assert.is(w.lifecycle, 'LEADER_AWAITING_REGISTRATION');
  assert.is(w.pod?.podIP, '127.0.3.40');
});

test.run();
