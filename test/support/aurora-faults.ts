// Transient faults on the operator's Aurora and agent clients, as a nemesis draws them: a refusal that provably did
// nothing, a reset or time-out before the request was processed, or a reply lost after the call took effect.
import type { AgentClient } from '../../src/agent/agent-client.ts';
import { AuroraHttpError, AuroraRpcError, type AuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { ResponseCode } from '../../src/thrift/api-types.ts';

export type RpcFault = 'transient' | 'refused' | 'reset' | 'timeout' | 'lost-reply';

export const RPC_FAULTS: readonly RpcFault[] = ['transient', 'refused', 'reset', 'timeout', 'lost-reply'];

function httpFault(method: string, transport: string, what: string): AuroraHttpError {
  return new AuroraHttpError(method, `POST /api failed: ${what}`, undefined, undefined, transport);
}

function raise(method: string, fault: Exclude<RpcFault, 'lost-reply'>): never {
  switch (fault) {
    case 'transient':
      throw new AuroraRpcError(method, ResponseCode.ERROR_TRANSIENT, ['Storage is not READY']);
    case 'refused':
      throw httpFault(method, 'ECONNREFUSED', 'connect ECONNREFUSED');
    case 'reset':
      throw httpFault(method, 'ECONNRESET', 'read ECONNRESET');
    case 'timeout':
      throw httpFault(method, 'TimeoutError', 'timed out after 10000ms');
  }
}

/** withRpcFaults: each call first asks `draw`; a fault answers instead of the call, 'lost-reply' after it. */
export function withRpcFaults(
  admin: AuroraAdminClient,
  draw: (method: string) => RpcFault | undefined,
): AuroraAdminClient {
  const wrapped: Record<string, unknown> = {};
  for (const [method, fn] of Object.entries(admin) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    wrapped[method] = async (...args: unknown[]) => {
      const fault = draw(method);
      if (fault && fault !== 'lost-reply') raise(method, fault);
      const result = await fn(...args);
      if (fault === 'lost-reply') throw httpFault(method, 'UND_ERR_SOCKET', 'other side closed');
      return result;
    };
  }
  return wrapped as unknown as AuroraAdminClient;
}

/** withAgentFaults: a drawn fault makes the agent call fail as an unreachable agent does, without effect. */
export function withAgentFaults(agents: AgentClient, draw: (method: string) => boolean): AgentClient {
  const wrapped: Record<string, unknown> = {};
  for (const [method, fn] of Object.entries(agents) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    wrapped[method] = async (...args: unknown[]) => {
      if (draw(method)) throw new Error(`agent ${method}: connect ECONNREFUSED`);
      return fn(...args);
    };
  }
  return wrapped as unknown as AgentClient;
}
