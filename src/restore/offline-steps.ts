// Upstream's later procedure: every log wiped and initialized, recovery-tool on ordinal 0, then a quorum, then all.
import { quorumSize } from '../api/aurora-cluster.ts';
import { podName } from '../resources/names.ts';
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import {
  applyStatefulSet,
  blockTraffic,
  clusterOf,
  copyBackupTo,
  holdsSourceBackup,
  lock,
  removeRestoreConfig,
  stopSchedulers,
  unblockTraffic,
  unlock,
  validate,
  waitReady,
} from './common-steps.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  hasMarker,
  livePods,
  ourConfig,
  restoreIdOf,
  stsIs,
  type Situation,
} from './world.ts';

const RECOVER_ORDINAL = 0;

function recoverPodName(s: Situation): string {
  return s.world.cluster ? podName(s.world.cluster, RECOVER_ORDINAL) : '';
}

export const placeBackupOffline: RestoreStep = {
  name: 'PlaceBackup',
  done: (s) => holdsSourceBackup(s, recoverPodName(s)),
  run: (ctx) => copyBackupTo(ctx, recoverPodName(ctx)),
};

export const configureOffline: RestoreStep = {
  name: 'Configure',
  done: (s) => ourConfig(s)?.action === 'wipe-and-recover' && stsIs(s, 'normal', 0),
  async run(ctx) {
    const instruction = {
      restoreId: restoreIdOf(ctx.restore),
      action: 'wipe-and-recover' as const,
      backupId: ctx.restore.spec.backupId,
      recoverOrdinal: RECOVER_ORDINAL,
    };
    await ctx.fx.kube.apply(buildRestoreConfigMap(clusterOf(ctx), instruction));
    await applyStatefulSet(ctx, 'normal', 0);
    return { message: `every log is wiped on start; ${recoverPodName(ctx)} runs recovery-tool` };
  },
};

function startN(name: string, count: (s: Situation) => number): RestoreStep {
  return {
    name,
    done: (s) =>
      stsIs(s, 'normal', count(s)) &&
      allRunning(s, count(s)) &&
      livePods(s).every((p) => hasMarker(p, s, 'wipe-and-recover')),
    async run(ctx) {
      await applyStatefulSet(ctx, 'normal', count(ctx));
      return { message: `starting ${count(ctx)} schedulers: ${livePods(ctx).length} pods so far` };
    },
  };
}

export const startQuorum = startN('StartQuorum', (s) => quorumSize(desiredReplicas(s)));
export const startAllOffline = startN('StartAll', desiredReplicas);

export const OFFLINE_STEPS: readonly RestoreStep[] = [
  validate,
  lock,
  blockTraffic,
  placeBackupOffline,
  stopSchedulers,
  configureOffline,
  startQuorum,
  startAllOffline,
  removeRestoreConfig,
  unblockTraffic,
  waitReady,
  unlock,
];
