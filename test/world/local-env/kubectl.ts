// Runs kubectl and helm from the built binaries against the local control plane.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToolContext {
  binDir: string;
  kubeconfigPath: string;
}

export async function kubectl(ctx: ToolContext, args: readonly string[], input?: string): Promise<string> {
  const child = run(join(ctx.binDir, 'kubectl'), ['--kubeconfig', ctx.kubeconfigPath, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

export async function helm(ctx: ToolContext, args: readonly string[]): Promise<string> {
  const { stdout } = await run(join(ctx.binDir, 'helm'), ['--kubeconfig', ctx.kubeconfigPath, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: join(ctx.kubeconfigPath, '..', 'helm', 'cache'),
      HELM_CONFIG_HOME: join(ctx.kubeconfigPath, '..', 'helm', 'config'),
      HELM_DATA_HOME: join(ctx.kubeconfigPath, '..', 'helm', 'data'),
    },
  });
  return stdout;
}
