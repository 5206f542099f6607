// `flock /tmp/e2e.lock node bench/restore-steps.ts`: a local environment with a Ready 3-replica cluster, then one
// Staged and one Offline restore, each broken down per step into intrinsic waits and operator overhead.
import { startE2eEnv } from '../test/e2e/harness.ts';
import { createJob, waitReady } from './restore-aurora.ts';
import { restoreSection } from './restore-section.ts';

const NS = 'aurora';
const env = await startE2eEnv('127.0.3.41', 61);
let failed = 0;
try {
  await env.kubectl(['create', 'namespace', NS]);
  // no periodic backups or snapshots while measuring: a backup in the same minute would replace the restored one
  const manifest = env
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await env.kubectl(['apply', '-f', '-'], manifest);
  await waitReady(env, NS, 'example');
  for (const instances of [2, 3]) await createJob(env, NS, 'example', instances);
  const results = await restoreSection(env, {
    namespace: NS,
    cluster: 'example',
    trace: process.argv.includes('--trace'),
  });
  process.stdout.write('\n');
  for (const r of results) {
    if (r.status === 'MISS') failed++;
    const target = r.target ? ` / ${r.target}` : '';
    process.stdout.write(`${r.status.padEnd(4)}  ${r.name.padEnd(44)} ${r.measured}${target}\n`);
  }
} finally {
  await env.stop();
}
process.exitCode = failed ? 1 : 0;
