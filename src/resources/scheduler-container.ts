// The `scheduler` container: Aurora flags, libprocess environment, ports, probes and volumes.
import type {
  V1Container,
  V1EnvVar,
  V1ResourceRequirements,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { SCHEDULER_BACKUPS_SUBDIR } from '../api/contracts.ts';
import { BACKUPS_VOLUME, LOG_VOLUME, SCHEDULER_CONTAINER } from './names.ts';
import {
  buildSchedulerArgs,
  ZK_DIGEST_FILE,
  ZK_DIGEST_MOUNT_DIR,
  ZK_DIGEST_VOLUME,
  type SchedulerMode,
} from './scheduler-args.ts';

export const HTTP_PORT_NAME = 'http';
export const LIBPROCESS_PORT_NAME = 'libprocess';

export function buildSchedulerContainer(cluster: AuroraCluster, mode: SchedulerMode): V1Container {
  const spec = cluster.spec;
  const resources = buildResources(cluster);
  return {
    name: SCHEDULER_CONTAINER,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: ['aurora-scheduler'],
    args: buildSchedulerArgs(cluster, mode),
    env: buildSchedulerEnv(cluster),
    ports: [
      { name: HTTP_PORT_NAME, containerPort: spec.httpPort, protocol: 'TCP' },
      { name: LIBPROCESS_PORT_NAME, containerPort: spec.libprocessPort, protocol: 'TCP' },
    ],
    // the troubleshooting guide's monit check: GET /health, 2 s timeout, restart after 10 failed cycles
    livenessProbe: {
      httpGet: { path: '/health', port: HTTP_PORT_NAME },
      timeoutSeconds: 2,
      periodSeconds: 10,
      failureThreshold: 10,
    },
    readinessProbe: {
      httpGet: { path: '/health', port: HTTP_PORT_NAME },
      timeoutSeconds: 2,
      periodSeconds: 5,
      failureThreshold: 3,
    },
    volumeMounts: [
      { name: LOG_VOLUME, mountPath: spec.replicatedLog.path },
      // Aurora lists every entry of -backup_dir, so it sees only the backups subdirectory of the volume
      { name: BACKUPS_VOLUME, mountPath: spec.backup.dir, subPath: SCHEDULER_BACKUPS_SUBDIR },
      ...buildZkDigestMounts(cluster),
    ],
    ...(resources ? { resources } : {}),
  };
}

/** buildSchedulerEnv orders POD_IP first because $(VAR) references only see variables defined earlier. */
export function buildSchedulerEnv(cluster: AuroraCluster): V1EnvVar[] {
  const spec = cluster.spec;
  const env: V1EnvVar[] = [
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'LIBPROCESS_IP', value: '$(POD_IP)' },
    { name: 'LIBPROCESS_PORT', value: String(spec.libprocessPort) },
    { name: 'GLOG_v', value: '0' },
  ];
  // an empty list keeps the image's JAVA_OPTS, which usually points java.library.path at libmesos
  if (spec.jvm.options.length > 0) env.push({ name: 'JAVA_OPTS', value: spec.jvm.options.join(' ') });
  return env;
}

/** buildZkDigestMounts: the credentials file for `-zk_digest_credentials @file`, read-only. */
export function buildZkDigestMounts(cluster: AuroraCluster): V1VolumeMount[] {
  return cluster.spec.zookeeper.digestCredentialsSecret
    ? [{ name: ZK_DIGEST_VOLUME, mountPath: ZK_DIGEST_MOUNT_DIR, readOnly: true }]
    : [];
}

/** buildZkDigestVolumes projects only the named key, as the file the `@file` argument names. */
export function buildZkDigestVolumes(cluster: AuroraCluster): V1Volume[] {
  const secret = cluster.spec.zookeeper.digestCredentialsSecret;
  if (!secret) return [];
  const path = ZK_DIGEST_FILE.slice(ZK_DIGEST_MOUNT_DIR.length + 1);
  return [
    { name: ZK_DIGEST_VOLUME, secret: { secretName: secret.name, items: [{ key: secret.key, path }] } },
  ];
}

function buildResources(cluster: AuroraCluster): V1ResourceRequirements | undefined {
  const resources = cluster.spec.resources;
  if (!resources) return undefined;
  const asStrings = (m: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
  return {
    ...(resources.limits ? { limits: asStrings(resources.limits) } : {}),
    ...(resources.requests ? { requests: asStrings(resources.requests) } : {}),
  };
}
