// The soak's world: the e2e harness's local environment (operator with two replicas, real image) under a
// directory of the soak's own, and the 3-scheduler example cluster Ready with periodic backups off.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startE2eEnv, type E2eEnv } from '../test/e2e/harness.ts';
import { readLocalEnvState, stopLocalEnv } from '../test/world/local-env/local-env.ts';
import { waitReady } from './restore-aurora.ts';

// apart from every e2e suite (127.0.3.2–39) and the benchmarks (.40, .41), so the soak can run beside them; lane L
// moves both by L (127.0.3.42+L, subnet 62+L) for a second soak at the same time
export const SOAK_ZOOKEEPER_HOST = '127.0.3.42';
export const SOAK_POD_SUBNET = 62;
export const NS = 'aurora';
export const CLUSTER = 'example';

export function newSoakRoot(): string {
  return mkdtempSync(join(tmpdir(), 'aurora-soak-'));
}

/** startSoakEnv: the harness makes its state directory with mkdtemp in TMPDIR, which is pointed at root for that call */
export async function startSoakEnv(root: string, lane = 0): Promise<E2eEnv> {
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  // mkdtemp runs before the harness's first await, so the daemons it starts later see the usual TMPDIR
  const starting = startE2eEnv(`127.0.3.${42 + lane}`, SOAK_POD_SUBNET + lane);
  if (saved === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = saved;
  const inner = await starting;
  // a kubectl call never hangs the soak, even while the apiserver is restarting
  return { ...inner, kubectl: (args, input) => inner.kubectl(['--request-timeout=15s', ...args], input) };
}

/** stopSoakEnv stops what the state file under root records, also when the start was interrupted half-way */
export async function stopSoakEnv(root: string): Promise<void> {
  for (const dir of readdirSync(root)) {
    const state = readLocalEnvState(join(root, dir));
    if (state) await stopLocalEnv(state);
  }
}

/** createCluster applies the example with 3 replicas and no periodic backup (one in the same minute would
 * overwrite the backup being restored), then waits until it is Ready with a registered framework */
export async function createCluster(e: E2eEnv): Promise<void> {
  await e.kubectl(['create', 'namespace', NS]);
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitReady(e, NS, CLUSTER);
}
