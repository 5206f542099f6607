// The operator with the restore fault hook plugged in: the local environment's `aurora-operator-test` program.
// It exists only in the test world, so no chart value or environment variable of the shipped image enables the hook.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { runUntilSignal } from '../../src/cli/run-command.ts';
import { createKubeClient } from '../../src/k8s/kube-client.ts';
import { loadKubeConfig } from '../../src/k8s/load-kube-config.ts';
import { createRestClient } from '../../src/k8s/rest/rest-client.ts';
import { startOperator } from '../../src/main.ts';
import { createFaultHook } from './restore-fault-hook.ts';

const kube = createKubeClient(createRestClient(await loadKubeConfig()));
const namespace = process.env['POD_NAMESPACE'] ?? 'default';
const name = process.env['POD_NAME'] ?? '';

// deleting its own pod first lets the Deployment replace it instead of restarting it with crash-loop backoff
async function die(): Promise<never> {
  await kube
    .delete({ apiVersion: 'v1', kind: 'Pod', namespace, name }, { gracePeriodSeconds: 0 })
    .catch(() => false);
  process.exit(1);
}

process.exitCode = await runUntilSignal(
  () =>
    startOperator(process.env, undefined, {
      faultHook: (base) => createFaultHook({ ...base, die, sleep: (ms) => sleep(ms) }),
    }),
  {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (path) => readFile(path, 'utf8'),
    readStdin: () => text(process.stdin),
  },
);
