// The backup-agent sidecar and its token Secret: how the operator lists, streams and receives backup files.
import type { V1Container, V1Secret } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AGENT_TOKEN_KEY, agentSecretName } from '../api/contracts.ts';
import { buildObjectMeta } from './labels.ts';
import { buildBackupDirEnv, buildBackupVolumeMount } from './backup-volume.ts';
import { BACKUP_AGENT_CONTAINER } from './names.ts';

export const AGENT_PORT_NAME = 'backup-agent';

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
