// Maps Aurora response codes onto the reconcile contract: ERROR_TRANSIENT retries, ERROR fails the step.
import { AuroraRpcError } from '../aurora/admin-client.ts';
import { TerminalError } from '../controller/result.ts';

/** checkedRpc runs one admin call; `accept` names ERROR messages that mean the call's effect already holds. */
export async function checkedRpc<T>(
  call: () => Promise<T>,
  accept: (messages: readonly string[]) => boolean = () => false,
): Promise<T | 'accepted'> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof AuroraRpcError)) throw err;
    if (err.transient) throw err;
    if (accept(err.messages)) return 'accepted';
    throw new TerminalError('AuroraRpcFailed', err.message);
  }
}
