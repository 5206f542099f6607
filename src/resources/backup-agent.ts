// The backup-agent sidecar and its token Secret: how the operator lists, streams and receives backup files.
import { basename } from 'node:path';
import type { V1Container, V1EnvVar, V1Secret, V1Volume } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AGENT_TOKEN_KEY, agentSecretName } from '../api/contracts.ts';
import { effectiveAuroraVersion } from '../api/aurora-versions.ts';
import {
  defaultObjectStorePrefix,
  OBJECT_STORE_CA_DIR,
  OBJECT_STORE_CA_FILE,
  OBJECT_STORE_ENV as ENV,
} from '../api/object-store-env.ts';
import { buildObjectMeta } from './labels.ts';
import { buildBackupDirEnv, buildBackupVolumeMount } from './backup-volume.ts';
import { BACKUP_AGENT_CONTAINER } from './names.ts';

export const AGENT_PORT_NAME = 'backup-agent';
const OBJECT_STORE_CA_VOLUME = 'object-store-ca';

export function buildBackupAgentContainer(cluster: AuroraCluster): V1Container {
  const spec = cluster.spec;
  return {
    name: BACKUP_AGENT_CONTAINER,
    image: spec.backupAgent.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: ['aurora-operator', 'backup-agent'],
    env: [
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'AGENT_LISTEN_HOST', value: '$(POD_IP)' },
      { name: 'AGENT_PORT', value: String(spec.backupAgent.port) },
      ...buildBackupDirEnv(),
      { name: 'PRE_RESTORE_LOG_RETENTION', value: spec.backup.preRestoreLogRetention },
      {
        name: 'AGENT_TOKEN',
        valueFrom: { secretKeyRef: { name: agentSecretName(cluster), key: AGENT_TOKEN_KEY } },
      },
      ...buildObjectStoreEnv(cluster),
    ],
    ports: [{ name: AGENT_PORT_NAME, containerPort: spec.backupAgent.port, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz', port: AGENT_PORT_NAME },
      timeoutSeconds: 2,
      periodSeconds: 5,
    },
    volumeMounts: [buildBackupVolumeMount()],
  };
}

/**
 * withObjectStoreCa mounts the CA bundle into the agent and names the file; only for a pod that also gets
 * buildObjectStoreCaVolumes (the StatefulSet), so another pod reusing the agent container stays valid.
 */
export function withObjectStoreCa(agent: V1Container, cluster: AuroraCluster): V1Container {
  if (!cluster.spec.backup.objectStore?.caBundle) return agent;
  return {
    ...agent,
    env: [...(agent.env ?? []), { name: ENV.caFile, value: OBJECT_STORE_CA_FILE }],
    volumeMounts: [
      ...(agent.volumeMounts ?? []),
      { name: OBJECT_STORE_CA_VOLUME, mountPath: OBJECT_STORE_CA_DIR, readOnly: true },
    ],
  };
}

/** buildObjectStoreCaVolumes: the CA bundle's Secret or ConfigMap key as the file the agent reads, if any. */
export function buildObjectStoreCaVolumes(cluster: AuroraCluster): V1Volume[] {
  const ca = cluster.spec.backup.objectStore?.caBundle;
  if (!ca) return [];
  const items = [{ key: ca.key, path: basename(OBJECT_STORE_CA_FILE) }];
  return [
    ca.secretName
      ? { name: OBJECT_STORE_CA_VOLUME, secret: { secretName: ca.secretName, items } }
      : { name: OBJECT_STORE_CA_VOLUME, configMap: { name: ca.configMapName ?? '', items } },
  ];
}

/**
 * buildObjectStoreEnv: the agent's shipping settings; keys come from their Secret by reference and the CA as a
 * mounted file, so no secret ever appears in the pod template. Nothing without spec.backup.objectStore.
 */
export function buildObjectStoreEnv(cluster: AuroraCluster): V1EnvVar[] {
  const store = cluster.spec.backup.objectStore;
  if (!store) return [];
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name ?? '';
  const value = (env: string, v: string | number | undefined): V1EnvVar[] =>
    v === undefined ? [] : [{ name: env, value: String(v) }];
  const { credentials, encryption, retention } = store;
  return [
    ...value(ENV.bucket, store.bucket),
    ...value(ENV.endpoint, store.endpoint),
    ...value(ENV.prefix, store.prefix ?? defaultObjectStorePrefix(namespace, name)),
    ...value(ENV.region, store.region),
    ...value(ENV.forcePathStyle, String(store.forcePathStyle)),
    ...(credentials
      ? [
          {
            name: ENV.accessKeyId,
            valueFrom: { secretKeyRef: { name: credentials.secretName, key: credentials.accessKeyIdKey } },
          },
          {
            name: ENV.secretAccessKey,
            valueFrom: {
              secretKeyRef: { name: credentials.secretName, key: credentials.secretAccessKeyKey },
            },
          },
        ]
      : []),
    ...value(ENV.encryption, encryption?.type),
    ...value(ENV.kmsKeyId, encryption?.kmsKeyId),
    ...value(ENV.keepLast, retention?.keepLast),
    ...value(ENV.maxAge, retention?.maxAge),
    ...value(ENV.clusterName, name),
    ...value(ENV.namespace, namespace),
    ...value(ENV.auroraVersion, effectiveAuroraVersion(cluster.spec)),
    // the agent asks its own scheduler's /leaderhealth, so only the leader's agent applies retention
    ...value(ENV.schedulerUrl, `http://$(POD_IP):${cluster.spec.httpPort}`),
  ];
}

/** buildAgentSecret is pure: the caller generates the token once and never rotates it under running pods. */
export function buildAgentSecret(cluster: AuroraCluster, token: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: buildObjectMeta(cluster, agentSecretName(cluster)),
    type: 'Opaque',
    stringData: { [AGENT_TOKEN_KEY]: token },
  };
}
