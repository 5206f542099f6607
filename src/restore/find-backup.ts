// Validation's search for the backup across the replicas' agents: the named one, or for `latest` the newest that
// decodes and is young enough; its age is judged from the snapshot's own timestamp (backup-age.ts).
import { formatAgeMs } from '../api/age.ts';
import { LATEST_BACKUP } from '../api/aurora-restore.ts';
import { TerminalError } from '../controller/result.ts';
import { listReplicaBackups, type ReplicaBackups } from '../agent/newest-backup.ts';
import type { BackupCheck, BackupFile } from '../agent/agent-api.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import { planBackupAge, type AgeVerdict } from './backup-age.ts';
import type { RestoreEffects, StepOutcome } from './step.ts';
import { livePods, type Situation, type WorldPod } from './world.ts';

/** What the search needs: the restore pass's view and two effects, so restore-plan can run it outside a restore. */
export interface FindContext extends Situation {
  fx: Pick<RestoreEffects, 'agents' | 'now' | 'linkSource'>;
}

/** A backup that store-source.ts fetched from the object store, as it now lies on a replica's volume. */
export interface StoreFetch {
  pod: string;
  name: string;
  /** what happened, for the Validate message */
  note: string;
}

/** Each check decodes a whole file, so `latest` looks at this many of the newest files and no more. */
export const LATEST_CANDIDATES = 5;

interface Copy {
  pod: string;
  file: BackupFile;
}

interface Checked extends Copy {
  check: BackupCheck;
  age: AgeVerdict;
  others: string[];
}

/** copiesOf: the copies of one backup name, newest write first (names carry only the minute). */
function copiesOf(replicas: readonly ReplicaBackups[], name: string): Copy[] {
  return replicas
    .flatMap((r) => r.backups.filter((b) => b.name === name).map((file) => ({ pod: r.pod, file })))
    .sort((a, b) => new Date(b.file.mtime).getTime() - new Date(a.file.mtime).getTime());
}

/** newestNames: distinct backup names by their newest copy's write time, newest first. */
function newestNames(replicas: readonly ReplicaBackups[], n: number): string[] {
  const newest = new Map<string, number>();
  for (const r of replicas)
    for (const b of r.backups)
      newest.set(b.name, Math.max(newest.get(b.name) ?? 0, new Date(b.mtime).getTime()));
  return [...newest]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name]) => name);
}

/** inspect has the agent beside the file decode it, while every log is still in place. */
async function inspect(
  ctx: FindContext,
  agents: AgentClient,
  pods: readonly WorldPod[],
  copies: readonly Copy[],
): Promise<Checked> {
  const [newest, ...older] = copies;
  const cluster = ctx.world.cluster;
  const ip = pods.find((p) => p.name === newest?.pod)?.podIP;
  if (!cluster || !newest || !ip) throw new Error(`${newest?.pod ?? 'the replica'} has no IP to check at`);
  const check = await agents.checkBackup({ host: ip, port: cluster.spec.backupAgent.port }, newest.file.name);
  const age = planBackupAge(newest.file.name, check.timestamp, ctx.restore.spec, ctx.fx.now());
  return { ...newest, check, age, others: older.map((c) => c.pod) };
}

function unreadable(c: Checked): TerminalError {
  return new TerminalError(
    'BackupUnreadable',
    `backup ${c.file.name} on ${c.pod} is not a backup Aurora can load: ${c.check.problem ?? 'unknown problem'}. ` +
      'Pick another backupId (status.newestBackup of the AuroraCluster lists the newest). The cluster was not ' +
      'touched.',
  );
}

function tooOld(message: string): TerminalError {
  return new TerminalError('BackupTooOld', `${message}. The cluster was not touched.`);
}

function found(c: Checked, prefix: string, skipped: readonly string[], via = ''): StepOutcome {
  const { pod, file, check, age } = c;
  const ageText = age.ageMs !== undefined ? `snapshot ${formatAgeMs(age.ageMs)} old` : 'age unknown';
  const decoded =
    check.verdict === 'readable' ? `${check.tasks ?? 0} tasks` : `not decoded: ${check.problem}`;
  const warning =
    age.ok && age.note ? `; WARNING: ${age.note}: tasks started or rescheduled since are killed` : '';
  const others = c.others.length
    ? `; older copies with the same name on ${c.others.join(', ')} are ignored`
    : '';
  const passed = skipped.length ? `; passed over: ${skipped.join('; ')}` : '';
  const message = `${prefix}${file.name} on ${pod} (${file.size} bytes, ${ageText}, ${decoded})${via}${warning}${others}${passed}`;
  return {
    message,
    events: warning ? [{ type: 'Warning', reason: 'OldBackup', message }] : [],
    status: {
      source: {
        name: file.name,
        pod,
        takenAt: file.mtime,
        size: file.size,
        ...(check.timestamp !== undefined ? { snapshotAt: new Date(check.timestamp).toISOString() } : {}),
        ...(check.tasks !== undefined ? { tasks: check.tasks } : {}),
      },
    },
  };
}

/** pickLatest: of the newest files, the one with the newest snapshot timestamp that decodes and is young enough. */
async function pickLatest(
  ctx: FindContext,
  agents: AgentClient,
  pods: readonly WorldPod[],
  replicas: readonly ReplicaBackups[],
): Promise<StepOutcome | undefined> {
  const names = newestNames(replicas, LATEST_CANDIDATES);
  if (names.length === 0) return undefined;
  const checked: Checked[] = [];
  for (const name of names) checked.push(await inspect(ctx, agents, pods, copiesOf(replicas, name)));
  const stamp = (c: Checked): number => c.check.timestamp ?? -1;
  const passing = checked
    .filter((c) => c.check.verdict !== 'unreadable' && c.age.ok)
    .sort((a, b) => stamp(b) - stamp(a));
  const skipped = checked
    .filter((c) => !passing.includes(c))
    .map((c) =>
      c.check.verdict === 'unreadable'
        ? `${c.file.name} unreadable (${c.check.problem ?? 'unknown problem'})`
        : `${c.file.name} too old`,
    );
  const best = passing[0];
  if (best) return found(best, 'latest is ', skipped);
  const readable = checked
    .filter((c) => c.check.verdict !== 'unreadable')
    .sort((a, b) => stamp(b) - stamp(a));
  const newest = readable[0];
  if (newest && !newest.age.ok) throw tooOld(`latest: ${newest.age.message}`);
  throw new TerminalError(
    'BackupUnreadable',
    `none of the ${checked.length} newest backups decodes: ${skipped.join('; ')}. The cluster was not touched.`,
  );
}

/** findBackup: with `fetched`, only the copy just fetched from the object store counts, checked like any other. */
export async function findBackup(ctx: FindContext, fetched?: StoreFetch): Promise<StepOutcome> {
  const cluster = ctx.world.cluster;
  if (!cluster) throw new Error('cluster not observed');
  const backupId = fetched?.name ?? ctx.restore.spec.backupId;
  const pods = livePods(ctx).filter((p) => !fetched || p.name === fetched.pod);
  const agents = await ctx.fx.agents(cluster);
  const replicas = await listReplicaBackups(agents, pods, cluster.spec.backupAgent.port);
  const silent = pods.filter((p) => !replicas.some((r) => r.pod === p.name)).map((p) => p.name);
  const waitForSilent = (what: string): Error =>
    new Error(`${what} on the replicas that answered; no answer from: ${silent.join(', ') || '(no pods)'}`);
  const copies = backupId === LATEST_BACKUP ? [] : copiesOf(replicas, backupId);
  // names carry only the minute: a replica that does not answer may hold a newer write of this very name (or a
  // newer backup for latest), so the choice waits for it instead of restoring what may be an older snapshot
  if (!fetched && (pods.length === 0 || silent.length > 0)) {
    throw waitForSilent(backupId === LATEST_BACKUP ? 'latest not chosen' : `backup ${backupId} not chosen`);
  }
  if (copies.length > 0) {
    const c = await inspect(ctx, agents, pods, copies);
    if (c.check.verdict === 'unreadable') throw unreadable(c);
    if (!c.age.ok) throw tooOld(c.age.message);
    return found(c, 'found ', [], fetched ? `, fetched ${fetched.note}` : '');
  }
  // the agent answered the fetch with the file in place: a listing without it is stale, so look again
  if (fetched) throw waitForSilent(`backup ${backupId} fetched to ${fetched.pod} is not listed`);
  if (backupId === LATEST_BACKUP) {
    const outcome = await pickLatest(ctx, agents, pods, replicas);
    if (outcome) return outcome;
  }
  const available = replicas
    .flatMap((r) => r.backups.map((b) => `${b.name}@${r.pod}`))
    .sort()
    .slice(-5);
  throw new TerminalError(
    'BackupNotFound',
    `backup ${backupId} exists on no replica of ${cluster.metadata.name} (checked ${pods
      .map((p) => p.name)
      .join(', ')}); newest available: ${available.join(', ') || 'none'}. The cluster was not touched.`,
  );
}
