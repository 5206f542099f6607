// The restore benchmark section: one Staged and one Offline restore on a Ready cluster, each broken down per step
// into intrinsic waits measured from the world and operator overhead, judged against 10 s of overhead.
import { createJob, readCluster, takeBackup, taskIds, waitReady, type BenchEnv } from './restore-aurora.ts';
import { StopWaiting, waitFor } from '../test/support/wait-for.ts';
import { breakdown, formatBreakdown, type Breakdown, type StepTiming } from './restore-breakdown.ts';
import { diffCounters, scrapeLeader } from './restore-metrics.ts';
import { recordWorld, type TraceEntry } from './restore-world.ts';

export interface SectionResult {
  status: 'ok' | 'MISS' | 'info';
  name: string;
  measured: string;
  target: string;
}

export interface RestoreSectionOptions {
  namespace?: string;
  cluster?: string;
  /** overhead allowed per restore, seconds */
  targetS?: number;
  /** world probes and ZooKeeper polls, ms */
  pollMs?: number;
  print?: (text: string) => void;
  /** print the steps and the world transitions in time order after each restore */
  trace?: boolean;
}

interface RestoreView {
  status?: {
    phase?: string;
    error?: { step?: string; message?: string };
    timeline?: Array<StepTiming & { message?: string }>;
  };
}

function traceLines(createdMs: number, r: RestoreView, world: readonly TraceEntry[]): string {
  const rows: TraceEntry[] = [...world];
  for (const t of r.status?.timeline ?? []) {
    if (t.startedAt) rows.push({ atMs: Date.parse(t.startedAt), subject: t.step, what: 'started' });
    const what = `finished${t.message ? `: ${t.message}` : ''}`;
    if (t.finishedAt) rows.push({ atMs: Date.parse(t.finishedAt), subject: t.step, what });
  }
  return rows
    .filter((e) => e.atMs >= createdMs - 2000)
    .sort((a, b) => a.atMs - b.atMs)
    .map(
      (e) =>
        `  +${((e.atMs - createdMs) / 1000).toFixed(2).padStart(6)} s  ${e.subject.padEnd(22)} ${e.what}`,
    )
    .join('\n');
}

async function runRestore(
  env: BenchEnv,
  o: Required<RestoreSectionOptions>,
  strategy: 'Staged' | 'Offline',
  backupId: string,
): Promise<Breakdown> {
  const cluster = await readCluster(env, o.namespace, o.cluster);
  const recorder = await recordWorld({
    kubeconfigPath: env.state.kubeconfigPath,
    namespace: o.namespace,
    cluster: o.cluster,
    zookeeper: env.state.zookeeper,
    // the schedulers' paths are relative to the cluster's chroot
    zkPaths: [cluster.spec.serversetPath, cluster.spec.replicatedLog.zkGroupPath].map(
      (p) => `${cluster.spec.zookeeper.chrootPath ?? ''}${p}`,
    ),
    httpPort: cluster.spec.httpPort,
    libprocessPort: cluster.spec.libprocessPort,
    agentPort: cluster.spec.backupAgent.port,
    pollMs: o.pollMs,
  });
  const before = await scrapeLeader(env).catch(() => undefined);
  const name = `bench-${strategy.toLowerCase()}-${Date.now().toString(36)}`;
  // Staged runs with approval, as an operator on call would: the wait for the approver is not operator time
  const approval = strategy === 'Staged' ? { approval: { required: true } } : {};
  const manifest = {
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraRestore',
    metadata: { name, namespace: o.namespace },
    spec: { cluster: o.cluster, backupId, strategy, ...approval },
  };
  await env.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
  const createdMs = Date.now();
  let approvedMs: number | undefined;
  // the running step's messages as polled: a wait inside a step (storage not READY) shows only there
  const messages: TraceEntry[] = [];
  const done = await waitFor(
    `${name} to finish`,
    900_000,
    async () => {
      const r = JSON.parse(
        await env.kubectl(['-n', o.namespace, 'get', 'aurorarestore', name, '-o', 'json']),
      ) as RestoreView & { status?: { step?: string } };
      const phase = r.status?.phase;
      const running = r.status?.timeline?.find((t) => t.step === r.status?.step && !t.finishedAt);
      const what = running?.message ? `says: ${running.message}` : undefined;
      if (running && what && messages.at(-1)?.what !== what)
        messages.push({ atMs: Date.now(), subject: running.step, what });
      if (phase === 'Failed') {
        throw new StopWaiting(`${name} failed at ${r.status?.error?.step}: ${r.status?.error?.message}`);
      }
      if (phase === 'AwaitingApproval' && approvedMs === undefined) {
        const patch = '{"spec":{"approval":{"approved":true}}}';
        await env.kubectl(['-n', o.namespace, 'patch', 'aurorarestore', name, '--type=merge', '-p', patch]);
        approvedMs = Date.now();
      }
      return phase === 'Succeeded' ? r : undefined;
      // a trace polls faster to see the messages of a step's inner waits
    },
    o.trace ? 200 : 1000,
  ).catch(async (err: unknown) => {
    await recorder.stop();
    throw err;
  });
  let world = await recorder.stop();
  const timeline = done.status?.timeline ?? [];
  const approvalStart = timeline.find((t) => t.step === 'Approval')?.startedAt;
  if (approvalStart && approvedMs !== undefined) {
    world = [
      ...world,
      { kind: 'approval', startMs: Date.parse(approvalStart), endMs: approvedMs, subject: 'bench' },
    ];
  }
  // the restore's creation starts the clock, so the operator's first reaction counts as a gap
  const created = new Date(createdMs).toISOString();
  if (o.trace) o.print(traceLines(createdMs, done, [...recorder.trace, ...messages]));
  o.print(recorder.zkSummary());
  const after = await scrapeLeader(env).catch(() => undefined);
  if (before && after) {
    const d = diffCounters(before, after);
    o.print(
      `restore controller: ${d.passes} reconcile passes, ${d.seconds} s inside them ` +
        `(${d.slowPasses} over 1 s), ${d.errors} retried with backoff`,
    );
  }
  return breakdown([{ step: '(created)', startedAt: created, finishedAt: created }, ...timeline], world);
}

export async function restoreSection(
  env: BenchEnv,
  opts: RestoreSectionOptions = {},
): Promise<SectionResult[]> {
  const o: Required<RestoreSectionOptions> = {
    namespace: opts.namespace ?? 'aurora',
    cluster: opts.cluster ?? 'example',
    targetS: opts.targetS ?? 10,
    pollMs: opts.pollMs ?? 250,
    print: opts.print ?? ((t) => process.stdout.write(`${t}\n`)),
    trace: opts.trace ?? false,
  };
  const results: SectionResult[] = [];
  const cluster = await waitReady(env, o.namespace, o.cluster);
  o.print(
    `ZooKeeper session timeout of ${o.cluster}: ${cluster.spec.zookeeper.sessionTimeout ?? 'Aurora default'}`,
  );
  for (const strategy of ['Staged', 'Offline'] as const) {
    await createJob(env, o.namespace, o.cluster, 2);
    const { backupId, tasks } = await takeBackup(env, o.namespace, o.cluster);
    // a job created after the backup must be gone after the restore
    await createJob(env, o.namespace, o.cluster, 1);
    const b = await runRestore(env, o, strategy, backupId);
    o.print(formatBreakdown(`\n${strategy} restore of ${backupId} (${tasks.length} tasks)`, b));
    let last: string[] = [];
    const restored = await waitFor('the restored tasks', 120_000, async () => {
      const ids = await taskIds(env, o.namespace, o.cluster);
      last = ids;
      return JSON.stringify(ids) === JSON.stringify(tasks) ? ids : undefined;
    }).catch(() => undefined);
    // a miss keeps its evidence: which ids were expected and which the leader holds
    if (!restored) {
      const missing = tasks.filter((t) => !last.includes(t));
      const extra = last.filter((t) => !tasks.includes(t));
      o.print(
        `restored tasks differ: missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'}`,
      );
    }
    results.push(
      {
        status: b.totalOverheadS <= o.targetS ? 'ok' : 'MISS',
        name: `restore overhead (${strategy})`,
        measured: `${b.totalOverheadS.toFixed(1)} s`,
        target: `${o.targetS} s`,
      },
      {
        status: 'info',
        name: `restore wall / intrinsic (${strategy})`,
        measured: `${b.totalWallS.toFixed(1)} s / ${b.totalIntrinsicS.toFixed(1)} s`,
        target: '',
      },
      {
        status: restored ? 'ok' : 'MISS',
        name: `restored tasks equal the backup (${strategy})`,
        measured: String(restored?.length ?? 'differ'),
        target: String(tasks.length),
      },
    );
  }
  return results;
}
