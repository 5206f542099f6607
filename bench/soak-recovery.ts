// "Ready again" after a fault: the cluster's conditions, every scheduler pod Ready, a Ready operator pod holding the
// Lease, the leader answering Thrift, and the operator reconciling a new object.
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { leaseHolder } from '../test/e2e/fault-harness.ts';
import { OPERATOR_NAMESPACE } from '../test/world/local-env/local-env.ts';
import { CLUSTER, NS } from './soak-env.ts';
import { taskIdsOf } from './soak-thrift.ts';

interface PodList {
  items: Array<{
    metadata: { name: string };
    status?: { conditions?: Array<{ type: string; status: string }> };
  }>;
}

const isTrue = (conds: Array<{ type: string; status: string }> | undefined, type: string): boolean =>
  conds?.some((c) => c.type === type && c.status === 'True') ?? false;

async function readyPods(e: E2eEnv, namespace: string, selector: string[]): Promise<string[]> {
  const list = JSON.parse(
    await e.kubectl(['-n', namespace, 'get', 'pods', ...selector, '-o', 'json']),
  ) as PodList;
  return list.items.filter((p) => isTrue(p.status?.conditions, 'Ready')).map((p) => p.metadata.name);
}

/** one look at the world: undefined when all is well, else what is still missing */
export async function notReadyBecause(e: E2eEnv, replicas: number): Promise<string | undefined> {
  const cluster = JSON.parse(await e.kubectl(['-n', NS, 'get', 'auroracluster', CLUSTER, '-o', 'json'])) as {
    status?: { conditions?: Array<{ type: string; status: string }> };
  };
  for (const type of ['Ready', 'LeaderElected', 'FrameworkRegistered']) {
    if (!isTrue(cluster.status?.conditions, type)) return `${type} is not True`;
  }
  const schedulers = await readyPods(e, NS, ['-l', `aurora-operator.io/cluster=${CLUSTER}`]);
  if (schedulers.length !== replicas) return `${schedulers.length} of ${replicas} scheduler pods Ready`;
  // the standby is not waited for: a container killed again and again waits out the runtime's crash-loop back-off
  const operators = await readyPods(e, OPERATOR_NAMESPACE, []);
  if (!operators.includes(await leaseHolder(e))) return 'no Ready operator pod holds the Lease';
  await taskIdsOf(e);
  return undefined;
}

let probes = 0;

/**
 * reconcileProbe: a cluster on the example's ZooKeeper paths must turn Degraded ZooKeeperPathConflict (and run no
 * pod), which takes the operator's watch, work queue and a status write; it is deleted afterwards.
 */
async function reconcileProbe(e: E2eEnv, deadline: number): Promise<boolean> {
  const name = `probe-${++probes}`;
  const manifest = e
    .exampleManifest()
    .replace('name: example', `name: ${name}`)
    .replace('replicas: 3', 'replicas: 1');
  let created = false;
  try {
    while (Date.now() < deadline) {
      if (!created)
        created = await e.kubectl(['apply', '-f', '-'], manifest).then(
          () => true,
          () => false,
        );
      const reason = created
        ? await e
            .kubectl([
              '-n',
              NS,
              'get',
              'auroracluster',
              name,
              '-o',
              'jsonpath={.status.conditions[?(@.type=="Degraded")].reason}',
            ])
            .catch(() => '')
        : '';
      if (reason.trim() === 'ZooKeeperPathConflict') return true;
      await sleep(1000);
    }
    return false;
  } finally {
    if (created) await e.kubectl(['-n', NS, 'delete', 'auroracluster', name, '--wait=false']).catch(() => '');
  }
}

export interface RecoveryResult {
  /** seconds until everything held; undefined when not within limitMs */
  seconds?: number;
  /** the last reason it was not Ready, for the report */
  lastReason?: string;
}

/** waitRecovered polls every 2 s until the world is whole and the operator reconciles, for at most limitMs */
export async function waitRecovered(e: E2eEnv, replicas: number, limitMs: number): Promise<RecoveryResult> {
  const started = Date.now();
  const deadline = started + limitMs;
  let lastReason: string | undefined;
  const whole = async (): Promise<boolean> => {
    while (Date.now() < deadline) {
      lastReason = await notReadyBecause(e, replicas).catch((err: unknown) => String(err).slice(0, 300));
      if (lastReason === undefined) return true;
      await sleep(2000);
    }
    return false;
  };
  const reconciles = async (): Promise<boolean> => {
    if (await reconcileProbe(e, deadline)) return true;
    lastReason = 'the operator did not mark a probe cluster Degraded ZooKeeperPathConflict';
    return false;
  };
  // the status may still say Ready from before the fault, so it is read again after the operator proved it runs
  const ok = (await whole()) && (await reconciles()) && (await whole());
  return ok ? { seconds: (Date.now() - started) / 1000 } : { ...(lastReason ? { lastReason } : {}) };
}
