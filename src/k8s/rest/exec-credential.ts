// Tokens from a kubeconfig user's `exec` credential plugin (as cloud providers' kubeconfigs use), run again once the
// token it returned has expired.
import { execFileSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
}

interface ExecCredential {
  status?: { token?: string; expirationTimestamp?: string; clientCertificateData?: string };
}

// a token is used until shortly before its stated expiry, so a request never carries one that just ran out
const EXPIRY_MARGIN_MS = 10_000;

/**
 * execTokenReader runs the plugin when a token is first needed and again after the returned expirationTimestamp;
 * plugins that answer with a client certificate instead of a token are refused.
 */
export function execTokenReader(exec: ExecConfig, dir: string, now: () => number = Date.now): () => string {
  // like kubectl, a relative command path is relative to the kubeconfig that names it; a bare name is looked up in PATH
  const command =
    exec.command.includes('/') && !isAbsolute(exec.command) ? resolve(dir, exec.command) : exec.command;
  let token = '';
  let expiresAt = -Infinity;
  return () => {
    if (now() < expiresAt) return token;
    const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
    const execInfo = { apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
    const out = execFileSync(command, exec.args ?? [], {
      env: {
        ...process.env,
        ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])),
        KUBERNETES_EXEC_INFO: JSON.stringify(execInfo),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 60_000,
    });
    const status = (JSON.parse(out.toString('utf8')) as ExecCredential).status;
    if (!status?.token) {
      throw new Error(
        status?.clientCertificateData
          ? `kubeconfig exec plugin ${exec.command} returned a client certificate, which is not supported`
          : `kubeconfig exec plugin ${exec.command} returned no token`,
      );
    }
    token = status.token;
    const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : NaN;
    expiresAt = Number.isNaN(expiry) ? Infinity : expiry - EXPIRY_MARGIN_MS;
    return token;
  };
}
