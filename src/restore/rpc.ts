// Maps Aurora response codes onto the reconcile contract: ERROR_TRANSIENT (and a lost staged backup) retries,
// any other ERROR fails the step.
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
    // the staged backup went with a restarted leader: the plan stages it again, nothing here is terminal
    if (err.messages.some((m) => /no backup loaded/i.test(m))) throw err;
    throw new TerminalError('AuroraRpcFailed', err.message);
  }
}
