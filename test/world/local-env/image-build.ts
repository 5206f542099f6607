// Builds the local images before an environment that runs them starts; unchanged inputs make this a no-op.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/..');

/** Runs scripts/build-images.sh (`npm run image`): the operator, simulator and busybox images, cached by input hash. */
export function buildLocalImages(): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'build-images.sh')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
