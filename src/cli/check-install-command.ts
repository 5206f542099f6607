// `aurora-operator check-install --url <readyz>`: what the chart's `helm test` runs in the cluster: the installed
// operator answers /readyz and the API server serves both CRDs.
import { parseArgs } from 'node:util';
import { AURORA_CLUSTER, AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import { apiErrorMessage } from '../k8s/errors.ts';
import { loadKubeConfig } from '../k8s/load-kube-config.ts';
import { createRestClient } from '../k8s/rest/rest-client.ts';
import type { CliIo, Command } from './command.ts';

const USAGE = 'usage: aurora-operator check-install --url <operator /readyz URL> [--timeout-ms <ms>]';

export interface InstallProbes {
  /** the readiness endpoint's status code and body */
  readyz(): Promise<{ status: number; body: string }>;
  /** the resource names the API server lists for the operator's group version (discovery) */
  servedResources(): Promise<string[]>;
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** checkInstall returns one line per check, each starting with "ok" or "FAIL", and whether all passed. */
export async function checkInstall(probes: InstallProbes): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  const fail = (line: string): void => {
    ok = false;
    lines.push(`FAIL ${line}`);
  };
  try {
    const { status, body } = await probes.readyz();
    if (status === 200) lines.push('ok   the operator answers /readyz');
    else fail(`the operator's /readyz answered ${status}: ${body.trim().slice(0, 200)}`);
  } catch (err) {
    fail(`the operator's /readyz did not answer: ${describe(err)}`);
  }
  const wanted = [AURORA_CLUSTER.plural, AURORA_RESTORE.plural];
  try {
    const served = await probes.servedResources();
    const missing = wanted.filter((r) => !served.includes(r));
    if (missing.length === 0)
      lines.push(`ok   the API server serves ${wanted.join(' and ')} (${GROUP}/${VERSION})`);
    else
      fail(
        `the API server does not serve ${missing.join(', ')} in ${GROUP}/${VERSION}: are the CRDs installed?`,
      );
  } catch (err) {
    fail(
      `the API server does not serve ${GROUP}/${VERSION}: ${apiErrorMessage(err)} (are the CRDs installed?)`,
    );
  }
  return { ok, lines };
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { url: { type: 'string' }, 'timeout-ms': { type: 'string', default: '10000' } },
    }));
  } catch (err) {
    io.stderr(`${describe(err)}\n${USAGE}\n`);
    return 2;
  }
  const { url } = values;
  const timeoutMs = Number(values['timeout-ms']);
  if (!url || !URL.canParse(url) || !(timeoutMs > 0)) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  const probes: InstallProbes = {
    async readyz() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, body: await res.text() };
    },
    async servedResources() {
      const client = createRestClient(await loadKubeConfig(), { timeoutMs });
      const list = await client.request<{ resources?: Array<{ name: string }> }>({
        method: 'GET',
        path: `/apis/${GROUP}/${VERSION}`,
      });
      return (list.resources ?? []).map((r) => r.name);
    },
  };
  const { ok, lines } = await checkInstall(probes);
  (ok ? io.stdout : io.stderr)(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}

export const checkInstallCommand: Command = {
  summary: "check an installed operator: /readyz answers and both CRDs are served (the chart's helm test)",
  usage: USAGE,
  run,
};
