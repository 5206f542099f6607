// Asks each replica's backup agent what it shipped; an agent that ships nothing or does not answer is left out.
import type { AgentClient } from '../agent/agent-client.ts';
import type { PodAddress } from '../agent/newest-backup.ts';
import type { ReplicaShipping } from './compute-shipping.ts';

export async function observeShipping(
  agents: AgentClient,
  pods: readonly PodAddress[],
  port: number,
): Promise<ReplicaShipping[]> {
  const ask = agents.shippingStatus?.bind(agents);
  if (!ask) return [];
  const answers = await Promise.all(
    pods
      .filter((p) => p.podIP && !p.deleting)
      .map(async (p) => {
        const shipping = await ask({ host: p.podIP ?? '', port }).catch(() => undefined);
        return shipping ? { pod: p.name, shipping } : undefined;
      }),
  );
  return answers.filter((a): a is ReplicaShipping => a !== undefined);
}
