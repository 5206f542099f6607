// The rehearsal's isolation check: its scheduler's ZooKeeper paths must share no node with the live cluster's or
// any other cluster's (the ZooKeeper conflict rules), and its flags must point nowhere live. Pure; a problem
// refuses the rehearsal before anything is created.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { RECOVERY_MESOS_MASTER } from '../resources/scheduler-args.ts';
import { rehearsalCluster } from '../resources/rehearsal-pod.ts';
import { overlappingPaths, zkFootprintOf } from './plan-conflicts.ts';

/** flagValue: the value of `-name=value` in built arguments, the last one winning as in JCommander. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const prefix = `-${name}=`;
  return args.findLast((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/**
 * findRehearsalOverlap checks the rehearsal cluster against the live one and its peers, and the arguments the
 * rehearsal scheduler gets: the impossible master, quorum 1, a framework name of its own.
 */
export function findRehearsalOverlap(
  cluster: AuroraCluster,
  peers: readonly AuroraCluster[],
  args: readonly string[],
  rehearsal: AuroraCluster = rehearsalCluster(cluster),
): string | undefined {
  const mine = zkFootprintOf(rehearsal);
  for (const other of [cluster, ...peers]) {
    const overlap = overlappingPaths(mine, zkFootprintOf(other));
    if (overlap) {
      const { namespace = 'default', name } = other.metadata;
      return (
        `the rehearsal's ${overlap.mine.role} path ${overlap.mine.path} would share ZooKeeper nodes with the ` +
        `${overlap.theirs.role} path ${overlap.theirs.path} of AuroraCluster ${namespace}/${name}`
      );
    }
  }
  const master = flagValue(args, 'mesos_master_address');
  if (master !== RECOVERY_MESOS_MASTER || master === cluster.spec.mesos.masterAddress)
    return `the rehearsal's -mesos_master_address is ${master ?? 'unset'}, not the unreachable ${RECOVERY_MESOS_MASTER}`;
  if (flagValue(args, 'native_log_quorum_size') !== '1')
    return `the rehearsal's -native_log_quorum_size is ${flagValue(args, 'native_log_quorum_size') ?? 'unset'}, not 1`;
  const framework = flagValue(args, 'framework_name');
  if (framework === undefined || framework === (cluster.spec.mesos.frameworkName ?? 'Aurora'))
    return `the rehearsal's -framework_name ${framework ?? '(default Aurora)'} is the live cluster's`;
  return undefined;
}
