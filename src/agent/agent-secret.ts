// Creates the per-cluster backup-agent token once and reads it back for the operator's agent calls.
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AGENT_TOKEN_KEY, agentSecretName } from '../api/contracts.ts';
import { isConflict, isNotFound } from '../k8s/errors.ts';
import type { ObjectCache } from '../k8s/rest/object-store.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { buildAgentSecret } from '../resources/backup-agent.ts';
import { AgentError } from './agent-errors.ts';

/** ensureAgentSecret creates the Secret only when missing: rotating it would lock out running agents. */
export async function ensureAgentSecret(client: RestClient, cluster: AuroraCluster): Promise<void> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = agentSecretName(cluster);
  try {
    await client.request({ path: resourcePath({ apiVersion: 'v1', plural: 'secrets', namespace, name }) });
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    const body = buildAgentSecret(cluster, randomBytes(32).toString('hex'));
    await client.request({
      method: 'POST',
      path: resourcePath({ apiVersion: 'v1', plural: 'secrets', namespace }),
      body,
    });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

function agentTokenOf(secret: V1Secret | undefined): string | undefined {
  const value = secret?.data?.[AGENT_TOKEN_KEY];
  return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** cachedAgentToken: the agents' token from a cache of the operator's Secrets, undefined until it holds the Secret. */
export function cachedAgentToken(cache: ObjectCache<V1Secret>, cluster: AuroraCluster): string | undefined {
  return agentTokenOf(cache.get(agentSecretName(cluster), cluster.metadata.namespace ?? 'default'));
}

export async function readAgentToken(client: RestClient, cluster: AuroraCluster): Promise<string> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = agentSecretName(cluster);
  const secret = await client.request<V1Secret>({
    path: resourcePath({ apiVersion: 'v1', plural: 'secrets', namespace, name }),
  });
  const token = agentTokenOf(secret);
  if (!token)
    throw new AgentError('AGENT_TOKEN_MISSING', `Secret ${namespace}/${name} has no ${AGENT_TOKEN_KEY} key`);
  return token;
}
