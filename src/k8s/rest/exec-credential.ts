// Tokens from a kubeconfig user's `exec` credential plugin (as cloud providers' kubeconfigs use), run again once the
// token it returned has expired or the API server refused it. The plugin runs as a child process the event loop does
// not wait on, so a slow plugin never holds up lease renewal or watches.
import { spawn } from 'node:child_process';
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

export interface TokenSource {
  /** token resolves to a current token, running the plugin when there is none (concurrent callers share one run) */
  token(): Promise<string>;
  /** refresh forgets the token, e.g. after a 401, so the next token() runs the plugin again */
  refresh(): void;
}

// a token is used until shortly before its stated expiry, so a request never carries one that just ran out
const EXPIRY_MARGIN_MS = 10_000;
const PLUGIN_TIMEOUT_MS = 60_000;

function runPlugin(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePlugin, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: PLUGIN_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePlugin(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(`kubeconfig exec plugin ${command} exited with ${code ?? signal}`));
    });
  });
}

/**
 * execTokenReader runs the plugin when a token is first needed, again after the returned expirationTimestamp, and
 * again after refresh(); plugins that answer with a client certificate instead of a token are refused.
 */
export function execTokenReader(exec: ExecConfig, dir: string, now: () => number = Date.now): TokenSource {
  // like kubectl, a relative command path is relative to the kubeconfig that names it; a bare name is looked up in PATH
  const command =
    exec.command.includes('/') && !isAbsolute(exec.command) ? resolve(dir, exec.command) : exec.command;
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  const env = {
    ...process.env,
    ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])),
    KUBERNETES_EXEC_INFO: JSON.stringify({
      apiVersion,
      kind: 'ExecCredential',
      spec: { interactive: false },
    }),
  };
  let token = '';
  let expiresAt = -Infinity;
  let running: Promise<string> | undefined;
  const run = async (): Promise<string> => {
    const status = (JSON.parse(await runPlugin(command, exec.args ?? [], env)) as ExecCredential).status;
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
  return {
    token() {
      if (now() < expiresAt) return Promise.resolve(token);
      running ??= run().finally(() => (running = undefined));
      return running;
    },
    refresh() {
      expiresAt = -Infinity;
    },
  };
}
