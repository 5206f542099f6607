// One pure rule per condition type, each with a reason and a message that tells a person what to do.
import {
  conditionFalse,
  conditionTrue,
  conditionUnknown,
  typedConditions,
  type ClusterConditionType,
  type ConditionBody,
  type ConditionInput,
} from '../api/conditions.ts';
import type { BackupsStatus, RecentExit } from '../api/diagnostics-schema.ts';
import { diagnosticConditions } from '../diagnostics/diagnostic-conditions.ts';
import { leaderChecks } from '../diagnostics/leader-checks.ts';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { effectiveAuroraVersion } from '../api/aurora-versions.ts';
import { computeImageVersionWarning } from './image-version-agreement.ts';
import type { LeaderView } from './leader.ts';
import type { ObservedCluster } from './observed.ts';
import type { LogInitRefusal } from './plan-log-init.ts';
import type { RolloutDecision } from './rollout.ts';

/** What the condition rules read: one observation and the decisions of the pass's plan. */
export interface ConditionFacts {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  now: Date;
  rollout: RolloutDecision;
  lockedBy?: string | undefined;
  problem?: { reason: string; message: string } | undefined;
  /** serverset members that are not pods of this cluster: named in the Degraded message whatever its status */
  foreignMembers?: readonly string[] | undefined;
  /** why the log-init guard keeps the log uninitialized despite the status (durable evidence, unreadable marker) */
  logInitRefusal?: LogInitRefusal | undefined;
  quorum: number;
  recovered: number;
  initialized: boolean;
  leader: LeaderView;
  recentExits?: ReadonlyMap<string, readonly RecentExit[]>;
  backups?: BackupsStatus | undefined;
  /** a replica-count change running or waiting: its step and message */
  scaling?: { reason: string; message: string } | undefined;
  /** spec.bootstrap running or failed: its restore writes the log, log-init never initializes it empty */
  bootstrap?: { reason: string; message: string } | undefined;
}

type Rule = (facts: ConditionFacts) => ConditionBody;

const replicatedLog: Rule = (facts) => {
  const { initialized, recovered, quorum, cluster, observed, logInitRefusal, bootstrap } = facts;
  if (logInitRefusal) return conditionFalse(logInitRefusal.reason, logInitRefusal.message);
  if (bootstrap && !initialized) return conditionFalse('AwaitingBootstrap', bootstrap.message);
  const preparing = observed.pods
    .filter((p) => p.probe?.lifecycle === 'PREPARING_STORAGE')
    .map((p) => p.name);
  const stuck = preparing.length ? ` Stuck preparing storage: ${preparing.join(', ')}.` : '';
  if (initialized && recovered < quorum && observed.pods.length > 0 && preparing.length > 0) {
    return conditionFalse(
      'QuorumNotRecovered',
      `Storage is not READY: ${recovered} of the ${quorum} replicas needed report log/recovered=1.${stuck} The log ` +
        `was initialized (status.replicatedLog.initializedAt ${cluster.status?.replicatedLog?.initializedAt ?? 'recorded'}), ` +
        "so the operator's first-creation guard does NOT apply and it will never run mesos-log initialize again " +
        '(that would discard the cluster state). Check that the replicas reach each other on ' +
        'LIBPROCESS_IP:LIBPROCESS_PORT; if a quorum of replicas lost their disks, restore from a backup (AuroraRestore).',
    );
  }
  if (initialized) {
    return conditionTrue(
      'QuorumInitialized',
      `${recovered} replica(s) report log/recovered=1 (quorum ${quorum}).`,
    );
  }
  return conditionFalse(
    'NotInitialized',
    `Replicated log not initialized: ${recovered} of the ${quorum} replicas needed report an initialized log, so ` +
      `storage is not READY.${stuck} A new cluster must tell a quorum of schedulers that their empty database is ` +
      "safe. The operator's first-creation guard applies (status.replicatedLog.initialized is unset), so the " +
      `log-init step runs "mesos-log initialize --path=${cluster.spec.replicatedLog.path}" on every empty replica ` +
      'without backups. If this persists, check the log-init container logs and that -native_log_zk_group_path is ' +
      'reachable.',
  );
};

const leaderElected: Rule = (facts) => {
  const { leader, cluster } = facts;
  const path = cluster.spec.serversetPath;
  const checks = leaderChecks({
    pods: facts.observed.pods.map((p) => ({
      name: p.name,
      podIP: p.podIP,
      leaderHealth: p.probe?.leaderHealth,
      frameworkRegistered: p.probe?.frameworkRegistered,
    })),
    signals: facts.observed.diagnostics,
    libprocessPort: cluster.spec.libprocessPort,
    quorum: facts.quorum,
    recovered: facts.recovered,
  });
  const seen = ` Checks: ${checks.join('; ')}.`;
  switch (leader.kind) {
    case 'elected':
      return conditionTrue(
        'LeaderElected',
        `${leader.pod?.name ?? 'a scheduler'} leads and advertises ${leader.endpoint}.`,
      );
    case 'several':
      return conditionFalse(
        'NoDistinctLeader',
        `No distinct leader elected: ${leader.endpoints.length} schedulers advertise in ${path} ` +
          `(${leader.endpoints.join(', ')}). Check that LIBPROCESS_IP:LIBPROCESS_PORT is reachable from every ` +
          'scheduler and Mesos master, that hostnames resolve to reachable addresses, and the quorum setting.' +
          seen,
      );
    case 'unknown':
      return conditionUnknown('ZooKeeperUnreachable', `Cannot read ${path}: ${leader.error}`);
    case 'none': {
      const waiting = leader.awaitingRegistration.map((p) => p.name);
      const hint = waiting.length
        ? ` ${waiting.join(', ')} won the election but is not registered with Mesos yet (see FrameworkRegistered).`
        : '';
      return conditionFalse(
        'NoDistinctLeader',
        `No distinct leader elected: no scheduler advertises in ${path}.${hint} Check that ` +
          'LIBPROCESS_IP:LIBPROCESS_PORT is reachable from every scheduler and Mesos master, that hostnames resolve ' +
          'to reachable addresses, and the replicated-log quorum setting.' +
          seen,
      );
    }
  }
};

const frameworkRegistered: Rule = ({ observed, cluster }) => {
  const registered = observed.pods.filter((p) => p.probe?.frameworkRegistered === true).map((p) => p.name);
  if (registered.length === 1)
    return conditionTrue('Registered', `${registered[0]} is registered with Mesos.`);
  if (registered.length > 1) {
    return conditionFalse(
      'MultipleRegistered',
      `framework_registered sums to ${registered.length}: ${registered.join(', ')}.`,
    );
  }
  return conditionFalse(
    'NotRegistered',
    'Scheduler not registered: framework_registered sums to 0 ("Framework has not been registered within the ' +
      `tolerated delay."). Make -mesos_master_address (spec.mesos.masterAddress = ${cluster.spec.mesos.masterAddress}) ` +
      "the same as the Mesos masters' --zk setting, and check that the masters are up.",
  );
};

const progressing: Rule = ({ rollout, observed, cluster, scaling, bootstrap, problem }) => {
  if (bootstrap && bootstrap !== problem) return conditionTrue(bootstrap.reason, bootstrap.message);
  if (scaling) {
    const detail = rollout.action === 'none' ? '' : ` Rollout: ${rolloutDetail(rollout)}`;
    return conditionTrue(scaling.reason, scaling.message + detail);
  }
  if (rollout.action === 'restart')
    return conditionTrue('RollingRestart', `Restarting ${rollout.pod} onto the new revision.`);
  if (rollout.action === 'wait')
    return conditionTrue('RollingRestart', `Rollout of ${rollout.pending.join(', ')}: ${rollout.reason}.`);
  if (observed.pods.length < cluster.spec.replicas) {
    return conditionTrue(
      'CreatingReplicas',
      `${observed.pods.length} of ${cluster.spec.replicas} scheduler pods exist.`,
    );
  }
  return conditionFalse('Stable', 'All schedulers run the current revision.');
};

function rolloutDetail(rollout: RolloutDecision): string {
  if (rollout.action === 'restart') return `restarting ${rollout.pod}.`;
  if (rollout.action === 'wait') return `${rollout.pending.join(', ')} pending; ${rollout.reason}.`;
  return '';
}

const degraded: Rule = (facts) => {
  const body = degradedBody(facts);
  const foreign = facts.foreignMembers ?? [];
  if (!foreign.length) return body;
  const note =
    ` ForeignMembers: ${foreign.join(', ')} take part in ${facts.cluster.spec.serversetPath} or ` +
    `${facts.cluster.spec.replicatedLog.zkGroupPath} but are not pods of this cluster; another Aurora cluster or ` +
    'a scheduler started by hand may share its ZooKeeper paths.';
  return { ...body, message: body.message + note };
};

/** stuckMessage: each pod container that cannot start, with the kubelet's reason and message (shortened). */
function stuckMessage(pods: ObservedCluster['pods'], pull: boolean): string | undefined {
  const lines = pods.flatMap((p) =>
    (p.stuck ?? [])
      .filter((c) => (pull ? IMAGE_REASONS.has(c.reason) : isStuckSidecar(c)))
      .map((c) => `${p.name}/${c.container}: ${c.reason}${c.message ? ` (${c.message.slice(0, 200)})` : ''}`),
  );
  return lines.length ? lines.join('; ') : undefined;
}

const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

// the scheduler's crash loops have their own rule (planned exits), and log-init retries by design while it waits
function isStuckSidecar(c: { container: string; reason: string }): boolean {
  if (c.reason === 'CreateContainerConfigError' || c.reason === 'CreateContainerError') return true;
  return c.reason === 'CrashLoopBackOff' && c.container !== 'scheduler' && c.container !== 'log-init';
}

const degradedBody: Rule = ({ problem, observed, quorum, initialized }) => {
  if (problem) return conditionTrue(problem.reason, problem.message);
  // a container that can never start keeps a new cluster "Creating" forever unless it is named here
  const pulls = stuckMessage(observed.pods, true);
  if (pulls)
    return conditionTrue(
      'ImagePullFailed',
      `Containers cannot start, their image is not available: ${pulls}.`,
    );
  const sidecars = stuckMessage(observed.pods, false);
  if (sidecars) return conditionTrue('ContainerNotStarting', `Containers cannot start: ${sidecars}.`);
  const healthy = observed.pods.filter((p) => p.probe?.healthy === true).length;
  const crashing = observed.pods.filter((p) => p.waitingReason === 'CrashLoopBackOff').map((p) => p.name);
  // schedulers of a brand-new cluster are expected to be down while they start; ReplicatedLogInitialized tells why
  if (!initialized && crashing.length === 0) {
    return conditionFalse(
      'Creating',
      `The cluster is being created: ${healthy} of ${observed.pods.length} schedulers answer /health.`,
    );
  }
  if (observed.pods.length > 0 && healthy < quorum) {
    return conditionTrue(
      'QuorumLost',
      `Only ${healthy} scheduler(s) answer /health; a log quorum needs ${quorum}.`,
    );
  }
  if (crashing.length)
    return conditionTrue('SchedulerCrashLooping', `${crashing.join(', ')} is in CrashLoopBackOff.`);
  const unhealthy = observed.pods.filter((p) => p.probe?.healthy !== true).map((p) => p.name);
  if (unhealthy.length)
    return conditionTrue('ReplicaUnhealthy', `${unhealthy.join(', ')} does not answer GET /health with OK.`);
  return conditionFalse('AsExpected', 'Every scheduler answers /health.');
};

// always present, so the Warning event comes from the one transition into False, never from a condition appearing
const imageMatchesVersion: Rule = ({ cluster }) => {
  const warning = computeImageVersionWarning(cluster.spec);
  if (warning) return conditionFalse(warning.reason, warning.message);
  return conditionTrue(
    'NoOtherVersionTagged',
    `spec.image ${cluster.spec.image} names no Aurora version other than ` +
      `${effectiveAuroraVersion(cluster.spec)}, the one extraArgs are validated for.`,
  );
};

export function computeConditions(facts: ConditionFacts): ConditionInput<ClusterConditionType>[] {
  const parts = {
    ReplicatedLogInitialized: replicatedLog(facts),
    LeaderElected: leaderElected(facts),
    FrameworkRegistered: frameworkRegistered(facts),
    Progressing: progressing(facts),
    Degraded: degraded(facts),
  } satisfies Partial<Record<ClusterConditionType, ConditionBody>>;
  const symptoms = diagnosticConditions({
    cluster: facts.cluster,
    observed: facts.observed,
    recentExits: facts.recentExits ?? new Map(),
    backups: facts.backups,
    now: facts.now,
  });
  const allReady =
    !facts.scaling &&
    facts.observed.pods.length === facts.cluster.spec.replicas &&
    facts.observed.pods.every((p) => p.ready && p.probe?.healthy === true);
  const blockers = Object.entries(parts)
    .filter(([type, c]) => (type === 'Progressing' || type === 'Degraded' ? false : c.status !== 'True'))
    .map(([type]) => type);
  if (!allReady) blockers.unshift(facts.scaling ? 'Scaling' : 'SchedulersReady');
  if (parts.Degraded.status === 'True') blockers.push('Degraded');
  const ready = blockers.length
    ? conditionFalse('NotReady', `Waiting for: ${blockers.join(', ')}.`)
    : conditionTrue(
        'ClusterReady',
        `${facts.cluster.spec.replicas} schedulers healthy, log initialized, leader registered.`,
      );
  // symptom conditions explain and alert; they do not hold back Ready, which means "serving"
  return [
    { type: 'Ready', ...ready },
    ...typedConditions({ ...parts, ...symptoms, ImageMatchesVersion: imageMatchesVersion(facts) }),
  ];
}
