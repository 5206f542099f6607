// Locates the Kubernetes binaries built from Go modules, building them on first use.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KUBE_VERSION = 'v1.35.4';
const REQUIRED = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'helm'] as const;

export function kubeBinDir(): string {
  const cache = process.env['AURORA_OPERATOR_CACHE'] ?? join(homedir(), '.cache', 'aurora-operator');
  return join(cache, 'bin', `kube-${KUBE_VERSION}`);
}

export function ensureKubeBinaries(repoRoot: string): string {
  const dir = kubeBinDir();
  if (REQUIRED.every((name) => existsSync(join(dir, name)))) return dir;
  // the build prints its progress on stderr, which is shown as it happens
  execFileSync('bash', [join(repoRoot, 'scripts', 'build-kube.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, KUBE_VERSION },
  });
  return dir;
}
