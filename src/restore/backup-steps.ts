// The backup's steps: validation before anything is touched, its copy to the pod that needs it, and the
// replicas' success markers after which their moved-aside logs may expire.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { succeededMarkerName } from '../api/contracts.ts';
import { TerminalError } from '../controller/result.ts';
import { clusterOf } from './cluster-ref.ts';
import { restoresFromStore } from '../api/aurora-restore.ts';
import type { TerminalCode } from '../api/errors.ts';
import type { RestoreAction } from './action.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  livePods,
  restoreIdOf,
  type Situation,
  type WorldPod,
} from './world.ts';
import { sourceBackupId } from './source-backup.ts';

export const validate: RestoreStep = {
  name: 'Validate',
  done: (s) => s.restore.status?.source !== undefined,
  decide(s) {
    const fail = (reason: TerminalCode, message: string): RestoreAction => ({
      kind: 'fail',
      error: new TerminalError(reason, message),
    });
    if (!s.world.cluster) {
      return fail(
        'ClusterNotFound',
        `AuroraCluster ${s.restore.spec.cluster} does not exist in namespace ${s.restore.metadata.namespace}`,
      );
    }
    const conflict = zkPathConflictOf(s.world.cluster);
    if (conflict) {
      // the log and serverset paths are another cluster's: wiping "this" log would wipe replicas the other uses
      return fail(
        'ZooKeeperPathConflict',
        `AuroraCluster ${s.restore.spec.cluster} is in a ZooKeeper path conflict; no restore runs on it: ` +
          conflict.message,
      );
    }
    const scaling = s.world.cluster.status?.scaling;
    if (scaling) {
      // a restore rebuilds the log on every replica: it must not start between two steps of a quorum change
      return fail(
        'ClusterScaling',
        `AuroraCluster ${s.restore.spec.cluster} is changing replicas ${scaling.from} → ${scaling.to} ` +
          `(step ${scaling.step}); no restore runs until that change finished. Create the restore again then.`,
      );
    }
    return { kind: 'agent', call: 'findBackup', fromStore: restoresFromStore(s.restore.spec) };
  },
};

/** zkPathConflictOf: the cluster's status carries Degraded=True ZooKeeperPathConflict. */
function zkPathConflictOf(cluster: AuroraCluster): { message: string } | undefined {
  return cluster.status?.conditions?.find(
    (c) => c.type === 'Degraded' && c.status === 'True' && c.reason === 'ZooKeeperPathConflict',
  );
}

// Backup names only have minute precision, so a file of the right name may be an older write: the copy that
// counts is the validated source itself, or a file with its size and write time (copies keep the mtime).
export function holdsSourceBackup(s: Situation, podName: string | undefined): boolean {
  const source = s.restore.status?.source;
  if (!source || !podName) return false;
  if (source.pod === podName) return true;
  const second = (t: string | undefined): number => Math.floor(new Date(t ?? 0).getTime() / 1000);
  return (
    livePods(s)
      .find((p) => p.name === podName)
      ?.backups?.some(
        (b) =>
          b.name === sourceBackupId(s.restore) &&
          b.size === source.size &&
          second(b.mtime) === second(source.takenAt),
      ) === true
  );
}

// Backups live on whichever replica led when they were written, so a restore moves one to the pod that needs it.
export function copyBackupTo(s: Situation, targetName: string | undefined): RestoreAction {
  const target = livePods(s).find((p) => p.name === targetName);
  const source = livePods(s).find((p) => p.name === s.restore.status?.source?.pod);
  if (!target?.podIP || !source?.podIP)
    return { kind: 'retry', reason: `${targetName ?? 'the target'} or the source pod has no IP yet` };
  return {
    kind: 'agent',
    call: 'copyBackup',
    from: { pod: source.name, host: source.podIP },
    to: { pod: target.name, host: target.podIP },
    port: clusterOf(s).spec.backupAgent.port,
    backupId: sourceBackupId(s.restore),
  };
}

function lacksSucceededMarker(s: Situation): WorldPod[] {
  const marker = succeededMarkerName(restoreIdOf(s.restore));
  return livePods(s).filter((p) => !p.markers?.includes(marker));
}

/** MarkSucceeded: each replica's agent records the success, after which its moved-aside log may expire. */
export const markSucceeded: RestoreStep = {
  name: 'MarkSucceeded',
  done: (s) => allRunning(s, desiredReplicas(s)) && lacksSucceededMarker(s).length === 0,
  decide(s) {
    const cluster = clusterOf(s);
    const missing = lacksSucceededMarker(s);
    const unreachable = missing.filter((p) => !p.podIP).map((p) => p.name);
    if (unreachable.length > 0) return { kind: 'retry', reason: `${unreachable.join(', ')} has no IP yet` };
    const id = restoreIdOf(s.restore);
    return {
      kind: 'agent',
      call: 'markSucceeded',
      hosts: missing.map((p) => p.podIP ?? ''),
      port: cluster.spec.backupAgent.port,
      restoreId: id,
      message: `marked restore ${id} succeeded on ${missing.map((p) => p.name).join(', ') || 'no replica'}`,
    };
  },
};
