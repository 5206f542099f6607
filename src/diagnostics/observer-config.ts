// ObserverConfigured: the Thermos observer's --mesos-root and the agents' --work_dir come from one spec value;
// any extra arg naming another root is reported, since the observer then lists no tasks and answers 404.
import type { AuroraClusterSpec } from '../api/aurora-cluster.ts';
import { conditionFalse, conditionTrue, type ConditionBody } from '../api/conditions.ts';

const ROOT_FLAG = /^--?(mesos[-_]root|work[-_]dir)=(.*)$/;

export function observerArgs(
  spec: AuroraClusterSpec,
): { observerArgs: string[]; agentArgs: string[] } | undefined {
  const obs = spec.thermosObserver;
  if (!obs) return undefined;
  const extra = obs.extraArgs.filter((a) => !ROOT_FLAG.test(a));
  return {
    observerArgs: [`--mesos-root=${obs.mesosRoot}`, ...extra],
    agentArgs: [`--work_dir=${obs.mesosRoot}`],
  };
}

/** Every root named in the observer's extra args or the executor flags that differs from mesosRoot. */
export function rootMismatches(spec: AuroraClusterSpec): string[] {
  const obs = spec.thermosObserver;
  if (!obs) return [];
  const executorFlags = (spec.thermosExecutor.flags ?? '').split(/\s+/).filter(Boolean);
  const named = [
    ...obs.extraArgs.map((arg) => ({ where: 'spec.thermosObserver.extraArgs', arg })),
    ...executorFlags.map((arg) => ({ where: 'spec.thermosExecutor.flags (-thermos_executor_flags)', arg })),
  ];
  return named.flatMap(({ where, arg }) => {
    const m = ROOT_FLAG.exec(arg);
    const value = m?.[2]?.replace(/\/+$/, '');
    return m && value !== obs.mesosRoot.replace(/\/+$/, '') ? [`${where} has ${arg}`] : [];
  });
}

export function observerConfigured(spec: AuroraClusterSpec): ConditionBody | undefined {
  const obs = spec.thermosObserver;
  if (!obs) return undefined;
  const mismatches = rootMismatches(spec);
  if (mismatches.length) {
    return conditionFalse(
      'MesosRootMismatch',
      `Observer would not discover tasks: ${mismatches.join('; ')}, but the observer's --mesos-root and the agents' ` +
        `--work_dir are ${obs.mesosRoot} (spec.thermosObserver.mesosRoot). The observer then lists no tasks and ` +
        'answers 404 for task pages. Remove the extra root flag or change spec.thermosObserver.mesosRoot.',
    );
  }
  return conditionTrue(
    'MesosRootInSync',
    `Observers run with --mesos-root=${obs.mesosRoot} and agents with --work_dir=${obs.mesosRoot} ` +
      '(published in status.thermosObserver).',
  );
}
