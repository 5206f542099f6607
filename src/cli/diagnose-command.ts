// `aurora-operator diagnose <cluster> [-n namespace]`: one plain-text report of a cluster from its status, pods and
// events (KUBECONFIG), plus live probes of the schedulers and the serverset when they are reachable from here.
import type { CoreV1EventList, V1PodList } from '@kubernetes/client-node';
import type { AuroraClusterSpec, AuroraClusterStatus } from '../api/aurora-cluster.ts';
import { AURORA_CLUSTER, GROUP, VERSION } from '../api/group.ts';
import { probeScheduler, type SchedulerProbe } from '../aurora/scheduler-probe.ts';
import { createServersetReader, type ServersetMember } from '../aurora/serverset.ts';
import { buildReport } from '../diagnostics/report.ts';
import { loadKubeConfig } from '../k8s/load-kube-config.ts';
import { createRestClient, type RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { toObservedPod } from '../k8s/observed-pod.ts';
import { CLUSTER_LABEL } from '../resources/names.ts';
import { parseNamedArgs } from './command-args.ts';
import type { CliIo, Command } from './command.ts';
import { readPendingRestores } from './diagnose-restores.ts';
import { readZkPaths } from './diagnose-zk.ts';

const USAGE = 'usage: aurora-operator diagnose <cluster> [-n <namespace>] [--no-probe] [--timeout-ms <ms>]';

interface ClusterObject {
  spec?: Partial<AuroraClusterSpec>;
  status?: AuroraClusterStatus;
}

// client-node types these as Date, but they arrive as strings
function isoTime(value: Date | string | undefined): string | undefined {
  const date = value === undefined ? undefined : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

async function liveProbes(
  pods: ReadonlyArray<{ name: string; podIP?: string }>,
  spec: Partial<AuroraClusterSpec> | undefined,
  timeoutMs: number,
): Promise<Map<string, SchedulerProbe> | undefined> {
  const target = { httpPort: spec?.httpPort ?? 8081, libprocessPort: spec?.libprocessPort ?? 8083 };
  const probes = await Promise.all(
    pods.map(
      async (p) =>
        [
          p.name,
          p.podIP ? await probeScheduler({ host: p.podIP, ...target }, timeoutMs) : undefined,
        ] as const,
    ),
  );
  // answers from none of the pods means they are not reachable from here, not that all are down
  if (!probes.some(([, probe]) => probe?.healthy)) return undefined;
  return new Map(probes.flatMap(([name, probe]) => (probe ? [[name, probe] as const] : [])));
}

async function readServerset(
  spec: Partial<AuroraClusterSpec> | undefined,
  timeoutMs: number,
): Promise<{ members: ServersetMember[]; error?: string } | undefined> {
  const zk = spec?.zookeeper;
  if (!zk || zk.digestCredentialsSecret) return undefined;
  const reader = createServersetReader(timeoutMs);
  try {
    const target = { endpoints: zk.endpoints, chrootPath: zk.chrootPath };
    return { members: await reader.readMembers(target, spec.serversetPath ?? '/aurora/scheduler') };
  } catch (err) {
    return { members: [], error: err instanceof Error ? err.message : String(err) };
  } finally {
    reader.close();
  }
}

export async function diagnose(
  client: RestClient,
  namespace: string,
  name: string,
  opts: { probe: boolean; timeoutMs: number },
): Promise<string> {
  const cluster = await client.request<ClusterObject>({
    path: resourcePath({ apiVersion: `${GROUP}/${VERSION}`, plural: AURORA_CLUSTER.plural, namespace, name }),
  });
  const podList = await client.request<V1PodList>({
    path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }),
    query: { labelSelector: `${CLUSTER_LABEL}=${name}` },
  });
  const pods = podList.items.map(toObservedPod).sort((a, b) => a.ordinal - b.ordinal);
  const events = await client
    .request<CoreV1EventList>({
      path: resourcePath({ apiVersion: 'v1', plural: 'events', namespace }),
      query: { fieldSelector: `involvedObject.name=${name}` },
    })
    .then((list) =>
      list.items
        .map((e) => ({
          type: e.type ?? 'Normal',
          reason: e.reason ?? '',
          message: e.message ?? '',
          at: isoTime(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
        }))
        .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))
        .slice(-15),
    )
    .catch(() => []);
  const live = opts.probe ? await liveProbes(pods, cluster.spec, opts.timeoutMs) : undefined;
  const serverset = opts.probe ? await readServerset(cluster.spec, opts.timeoutMs) : undefined;
  const zkPaths = await readZkPaths(client, cluster, pods, serverset, opts);
  const restores = await readPendingRestores(client, namespace, name);
  const report = buildReport({
    namespace,
    name,
    spec: cluster.spec,
    status: cluster.status,
    pods,
    live,
    serverset,
    zkPaths,
    events,
    now: new Date(),
  });
  return report + restores;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseNamedArgs(
    args,
    {
      namespace: { type: 'string', short: 'n' },
      'no-probe': { type: 'boolean', default: false },
      'timeout-ms': { type: 'string', default: '2000' },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const { name } = parsed;
  try {
    const client = createRestClient(await loadKubeConfig());
    const namespace = parsed.values.namespace ?? client.namespace;
    const report = await diagnose(client, namespace, name, {
      probe: !parsed.values['no-probe'],
      timeoutMs: Number(parsed.values['timeout-ms']),
    });
    io.stdout(report);
    return 0;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    io.stderr(
      `diagnose ${name}: ${e.code === 404 ? 'AuroraCluster not found' : (e.message ?? String(err))}\n`,
    );
    return 1;
  }
}

export const diagnoseCommand: Command = {
  summary:
    'print a plain-text diagnosis of one AuroraCluster (status, pods, live probes, conditions with remedies)',
  usage: USAGE,
  run,
};
