// A restore's whole world without a cluster: the memory API server, FakeKubelet following the stored StatefulSet,
// the cluster controller's lock acknowledgement and readiness, FakeAurora, and a driver of reconcile passes.
import type { LinkSourceBackup } from '../../src/restore/source-store-link.ts';
import type { V1ConfigMap, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { quorumSize, type AuroraCluster } from '../../src/api/aurora-cluster.ts';
import { AuroraRestore } from '../../src/api/aurora-restore.ts';
import { setCondition, type Condition } from '../../src/api/conditions.ts';
import { RESTORE_LOCK_ANNOTATION, SCHEDULER_MODE_ANNOTATION } from '../../src/api/contracts.ts';
import { API_VERSION, AURORA_CLUSTER, AURORA_RESTORE } from '../../src/api/group.ts';
import { createLimiter } from '../../src/aurora/concurrency-limit.ts';
import { canonicalJson } from '../../src/k8s/semantic-equal.ts';
import { createLogger } from '../../src/log.ts';
import { buildLabels } from '../../src/resources/labels.ts';
import {
  restoreConfigMapName,
  restoreNetworkPolicyName,
  statefulSetName,
} from '../../src/resources/names.ts';
import { buildStatefulSet } from '../../src/resources/statefulset.ts';
import type { AuroraRestore as Restore } from '../../src/api/aurora-restore.ts';
import type { FaultHook } from '../../src/controller/fault-windows.ts';
import { observeRestoreWorld, rereadDirect, type RestoreObserveDeps } from '../../src/restore/observe.ts';
import { reconcileAuroraRestore, type RestoreReconcilerDeps } from '../../src/restore/reconcile.ts';
import type { World } from '../../src/restore/world.ts';
import type { KubeClient } from '../../src/k8s/kube-client.ts';
import { FakeAurora } from './fake-aurora.ts';
import { FakeKubelet } from './fake-kubelet.ts';
import { MemoryKube, type StoredRef } from './memory-kube.ts';

export interface RestoreWorldOptions {
  cluster: AuroraCluster;
  restore: AuroraRestore;
  /** what the log holds before the restore */
  tasks: string[];
  backup: { id: string; tasks: string[]; ordinal: number; takenAt: string; size: number };
}

export interface DriveOptions {
  maxPasses?: number;
  faultHook?: FaultHook<Restore>;
  /** runs after the world's tick and before the reconcile pass, e.g. to approve or cancel */
  beforePass?: (world: RestoreWorld) => void;
  /** the operator's writes go through this client instead of the memory API server itself, e.g. to add faults */
  operatorKube?: KubeClient;
  /** true makes the pass's reads of the API server fail, as an apiserver answering 500 does */
  readFault?: () => boolean;
}

export interface DriveLog {
  /** each phase the stored restore passed through, in order */
  phases: string[];
  /** what the passes threw: the operator contract's "retry" */
  errors: unknown[];
  passes: number;
}

export interface WorldSummary {
  lock: string | undefined;
  restoreConfig: string | undefined;
  networkPolicy: boolean;
  mode: string | undefined;
  replicas: number | undefined;
  /** the task ids the log holds, sorted */
  log: string[];
  /** per ordinal: how often log-init wiped the replica, and how often it put the pre-restore log back */
  wipes: number[];
  rollbacks: number[];
}

const TERMINAL = new Set(['Succeeded', 'Cancelled', 'Failed']);

export class RestoreWorld {
  readonly kube = new MemoryKube();
  readonly aurora: FakeAurora;
  readonly namespace: string;
  readonly clusterName: string;
  private readonly restoreName: string;
  private readonly kubelet: FakeKubelet;
  private clock = new Date('2024-02-01T00:00:00.000Z');
  /** the operator's reading of another store, when a test gives it one */
  linkSource: LinkSourceBackup | undefined;

  constructor(opts: RestoreWorldOptions) {
    this.namespace = opts.cluster.metadata.namespace ?? 'default';
    this.clusterName = opts.cluster.metadata.name;
    this.restoreName = opts.restore.metadata.name;
    this.aurora = new FakeAurora(opts.tasks, quorumSize(opts.cluster.spec.replicas));
    this.aurora.contents.set(opts.backup.id, opts.backup.tasks);
    this.aurora.replica(opts.backup.ordinal).backups.push({
      name: opts.backup.id,
      size: opts.backup.size,
      mtime: opts.backup.takenAt,
    });
    this.kubelet = new FakeKubelet(this.kube, this.aurora, {
      namespace: this.namespace,
      statefulSet: statefulSetName(opts.cluster),
      restoreConfigMap: restoreConfigMapName(opts.cluster),
      podLabels: buildLabels(opts.cluster),
    });
    this.kube.put({ ...opts.cluster, status: {} });
    this.kube.put(opts.restore);
    this.kube.put(buildStatefulSet(opts.cluster));
    for (let i = 0; i < 4; i++) this.tick();
  }

  ref(kind: string, name: string, apiVersion = 'v1'): StoredRef {
    return { apiVersion, kind, namespace: this.namespace, name };
  }

  get clusterRef(): StoredRef {
    return this.ref(AURORA_CLUSTER.kind, this.clusterName, API_VERSION);
  }

  get restoreRef(): StoredRef {
    return this.ref(AURORA_RESTORE.kind, this.restoreName, API_VERSION);
  }

  cluster(): AuroraCluster {
    const c = this.kube.get<AuroraCluster>(this.clusterRef);
    if (!c) throw new Error('the AuroraCluster is gone');
    return c;
  }

  restore(): AuroraRestore {
    return AuroraRestore.parse(this.kube.get(this.restoreRef));
  }

  statefulSet(): V1StatefulSet | undefined {
    return this.kube.get<V1StatefulSet>(this.ref('StatefulSet', this.clusterName, 'apps/v1'));
  }

  restoreConfig(): Record<string, string> | undefined {
    return this.kube.get<V1ConfigMap>(this.ref('ConfigMap', restoreConfigMapName(this.cluster())))?.data;
  }

  networkPolicy(): boolean {
    const name = restoreNetworkPolicyName(this.cluster());
    return this.kube.get(this.ref('NetworkPolicy', name, 'networking.k8s.io/v1')) !== undefined;
  }

  pods(): V1Pod[] {
    return this.kubelet.pods();
  }

  /** summary is what a finished restore leaves behind, for one assert.equal with a readable diff */
  summary(): WorldSummary {
    const ordinals = [...this.aurora.replicas.keys()].sort((a, b) => a - b);
    const replica = (o: number) => this.aurora.replica(o);
    return {
      lock: this.cluster().metadata.annotations?.[RESTORE_LOCK_ANNOTATION],
      restoreConfig: this.restoreConfig()?.['action'],
      networkPolicy: this.networkPolicy(),
      mode: this.statefulSet()?.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION],
      replicas: this.statefulSet()?.spec?.replicas,
      log: [...this.aurora.log].sort(),
      wipes: ordinals.map((o) => replica(o).wipes),
      rollbacks: ordinals.map((o) => replica(o).rollbacks),
    };
  }

  /** patchRestoreSpec edits the spec as a user would, e.g. `{ cancel: true }`. */
  patchRestoreSpec(spec: Record<string, unknown>): void {
    const r = this.kube.get<Record<string, unknown>>(this.restoreRef) ?? {};
    this.kube.put({ ...r, spec: { ...(r['spec'] as object), ...spec } });
  }

  /** tick: the StatefulSet controller, the kubelet and the cluster controller each take one step. */
  tick(): void {
    this.kubelet.tick(this.clock);
    this.acknowledge();
  }

  observe(restore: AuroraRestore): Promise<World> {
    return observeRestoreWorld(restore, this.observeDeps());
  }

  private observeDeps(): RestoreObserveDeps {
    const get = <T>(ref: StoredRef) => this.kube.get<T>(ref);
    return {
      getCluster: (namespace, name) => get({ ...this.clusterRef, namespace, name }),
      statefulSet: (namespace, name) =>
        get<V1StatefulSet>({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name }),
      pods: () => this.pods(),
      readConfigMap: async (namespace, name) =>
        get<V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name })?.data,
      networkPolicyExists: async (namespace, name) =>
        get({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace, name }) !== undefined,
      agents: async () => this.aurora.agents(),
      admin: (podIP) => this.aurora.admin(podIP),
      probe: async (target) => this.aurora.probe(target.host),
      limit: createLimiter(8),
    };
  }

  deps(
    faultHook?: FaultHook<Restore>,
    kube: KubeClient = this.kube,
    readFault = () => false,
  ): RestoreReconcilerDeps {
    const read = (what: string) => {
      if (readFault()) throw new Error(`GET ${what}: HTTP 500 etcdserver: request timed out`);
    };
    return {
      getRestore: async (namespace, name) => {
        read('aurorarestores');
        return this.kube.get({ ...this.restoreRef, namespace, name });
      },
      observe: async (restore) => {
        read('configmaps');
        return this.observe(restore);
      },
      reread: async (restore, world) => {
        read('configmaps');
        return rereadDirect(restore, world, this.observeDeps());
      },
      fx: {
        kube,
        agents: async () => this.aurora.agents(),
        admin: (podIP) => this.aurora.admin(podIP),
        operatorPeer: { namespace: 'aurora-operator', matchLabels: { app: 'aurora-operator' } },
        log: createLogger('test', 'silent'),
        now: () => new Date(this.clock),
        ...(this.linkSource ? { linkSource: this.linkSource } : {}),
      },
      faultHook,
      activeRequeueMs: 1000,
    };
  }

  /** untouched: what summary() says of a 3-replica cluster no restore step touched, its log holding `tasks` */
  untouched(tasks: readonly string[]): WorldSummary {
    return {
      lock: undefined,
      restoreConfig: undefined,
      networkPolicy: false,
      mode: 'normal',
      replicas: 3,
      log: [...tasks].sort(),
      wipes: this.summary().wipes.map(() => 0),
      rollbacks: this.summary().rollbacks.map(() => 0),
    };
  }

  /** drive runs tick-and-reconcile passes until the restore is Succeeded, Cancelled or Failed; a killed operator is revived. */
  async drive(opts: DriveOptions = {}): Promise<DriveLog> {
    const log: DriveLog = { phases: [], errors: [], passes: 0 };
    const key = `${this.namespace}/${this.restoreName}`;
    while (log.passes < (opts.maxPasses ?? 300)) {
      log.passes++;
      this.tick();
      opts.beforePass?.(this);
      try {
        await reconcileAuroraRestore(key, this.deps(opts.faultHook, opts.operatorKube, opts.readFault));
      } catch (err) {
        log.errors.push(err);
        if (this.kube.killed) this.kube.revive();
      }
      this.clock = new Date(this.clock.getTime() + 1000);
      const phase = this.restore().status?.phase ?? '';
      if (phase && phase !== log.phases.at(-1)) log.phases.push(phase);
      if (TERMINAL.has(phase)) return log;
    }
    return log;
  }

  /** acknowledge is the cluster controller's part: status.lock names the holder, Ready once all run normally. */
  private acknowledge(): void {
    const cluster = this.cluster();
    const holder = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
    const { lock: _lock, ...rest } = cluster.status ?? {};
    const sts = this.statefulSet();
    const normal = this.kubelet.running().filter((s) => s.mode === 'normal');
    const ready =
      sts?.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION] === 'normal' &&
      normal.length === cluster.spec.replicas &&
      normal.some((s) => s.ordinal === this.aurora.leader);
    const condition = {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      reason: ready ? 'Ready' : 'NotReady',
    };
    const conditions: Condition[] = setCondition(
      rest.conditions ?? [],
      { ...condition, message: condition.reason } as Condition,
      this.clock,
    );
    const status = {
      ...rest,
      conditions,
      ...(holder
        ? { lock: { restore: holder, since: cluster.status?.lock?.since ?? this.clock.toISOString() } }
        : {}),
    };
    if (canonicalJson(cluster.status) !== canonicalJson(status)) this.kube.put({ ...cluster, status });
  }
}
