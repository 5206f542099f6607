// The operator's log read through `kubectl logs`, as a user would read it, appended to an e2e wait that timed out so
// the failure shows what the operator was doing without a trip to the state directory.
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import { waitFor } from '../support/wait-for.ts';

type Kubectl = (args: readonly string[]) => Promise<string>;

/** Where a set of replicas logs: their pods, their container, and the Lease naming the leading one. */
export interface LogSource {
  namespace: string;
  selector: string;
  container: string;
  lease?: string;
}

export const OPERATOR_LOG_SOURCE: LogSource = {
  namespace: OPERATOR_NAMESPACE,
  selector: 'app.kubernetes.io/name=aurora-operator',
  container: 'operator',
  lease: 'aurora-operator-leader',
};

/** Lines of the operator's log a timed-out wait shows, per replica. */
export const FAILURE_LOG_LINES = 40;
// pino lines can carry whole objects; a timeout message must stay readable in a CI log
const MAX_LINE_CHARS = 400;
const MAX_TOTAL_CHARS = 12_000;
// kubectl must not hang a failing test when the apiserver itself is the fault
const REQUEST_TIMEOUT = '--request-timeout=10s';

export interface LogTail {
  pod: string;
  leader: boolean;
  log: string;
}

const firstLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, MAX_LINE_CHARS) ?? '';

/** formatLogTails prints each pod's last lines under a header (the leader marked), within maxChars in all. */
export function formatLogTails(
  tails: readonly LogTail[],
  tailLines: number,
  maxChars = MAX_TOTAL_CHARS,
): string {
  if (tails.length === 0) return '(no pod matched)';
  const share = Math.floor(maxChars / tails.length);
  return tails
    .map(({ pod, leader, log }) => {
      const lines = log
        .trimEnd()
        .split('\n')
        .slice(-tailLines)
        .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l));
      // over its share, a pod keeps its newest lines: they are the ones nearest the failure
      while (lines.length > 0 && lines.join('\n').length > share) lines.shift();
      return `--- ${pod}${leader ? ' (leader)' : ''}: last ${lines.length} lines ---\n${lines.join('\n')}`;
    })
    .join('\n');
}

/** podLogTails runs `kubectl logs --tail` on every pod of the source and formats the answers. */
export async function podLogTails(kubectl: Kubectl, source: LogSource, tailLines: number): Promise<string> {
  const ns = ['-n', source.namespace];
  const listed = await kubectl([
    ...ns,
    'get',
    'pods',
    '-l',
    source.selector,
    '-o',
    'jsonpath={.items[*].metadata.name}',
    REQUEST_TIMEOUT,
  ]);
  const pods = listed.trim().split(/\s+/).filter(Boolean).sort();
  const leader = source.lease
    ? await kubectl([
        ...ns,
        'get',
        'lease',
        source.lease,
        '--ignore-not-found',
        '-o',
        'jsonpath={.spec.holderIdentity}',
        REQUEST_TIMEOUT,
      ]).then(
        (out) => out.trim(),
        () => '',
      )
    : '';
  const tails = await Promise.all(
    pods.map(async (pod) => ({
      pod,
      leader: pod === leader,
      log: await kubectl([
        ...ns,
        'logs',
        pod,
        '-c',
        source.container,
        `--tail=${tailLines}`,
        REQUEST_TIMEOUT,
      ]).catch((err: unknown) => `(kubectl logs failed: ${firstLine(err)})`),
    })),
  );
  return formatLogTails(tails, tailLines);
}

/** appendOperatorLog adds the operator's last lines to a failure's message (and its stack, which uvu prints). */
export async function appendOperatorLog(
  err: unknown,
  env: { operatorLogs(tailLines: number): Promise<string> },
): Promise<Error> {
  const error = err instanceof Error ? err : new Error(String(err));
  const tail = await env
    .operatorLogs(FAILURE_LOG_LINES)
    .catch((e: unknown) => `(the operator log could not be read: ${firstLine(e)})`);
  error.message += `\noperator log (kubectl logs --tail=${FAILURE_LOG_LINES}):\n${tail}`;
  const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  error.stack = [`${error.name}: ${error.message}`, ...frames].join('\n');
  return error;
}

/** waitForWithLogs is waitFor whose failure (a timeout or StopWaiting) carries the operator's last log lines. */
export async function waitForWithLogs<T>(
  env: { operatorLogs(tailLines: number): Promise<string> },
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs?: number,
): Promise<T> {
  try {
    return await waitFor(what, timeoutMs, probe, intervalMs);
  } catch (err) {
    throw await appendOperatorLog(err, env);
  }
}
