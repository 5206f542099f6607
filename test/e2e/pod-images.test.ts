// End-to-end test of the pod runtime running containers from the local images: entrypoint, user, root filesystem.
import fs from 'node:fs';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rootfsCacheDir } from '../world/local-env/pod-runtime/image-rootfs.ts';
import { waitForLog, waitForPod, type Clients } from './fixtures/pod-runtime/harness.ts';
import { startRuntimeWorld, type RuntimeWorld } from './fixtures/pod-runtime/runtime-world.ts';

const ns = 'pod-images-e2e';
let world: RuntimeWorld | undefined;
let stateDir: string;
let k: Clients;

async function createPod(pod: V1Pod): Promise<V1Pod> {
  return k.core.createNamespacedPod({ namespace: ns, body: pod });
}

test.before(async () => {
  world = await startRuntimeWorld('pod-images-e2e', ns);
  ({ k, stateDir } = world);
});

test.after(async () => {
  await world?.stop();
});

test('containers run from their images: user, read-only or private writable root; unbuilt images fail to pull', async () => {
  const created = await createPod({
    metadata: { name: 'images', namespace: ns },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'operator',
          image: 'aurora-operator:0.1.0',
          command: [
            'sh',
            '-c',
            'echo "uid=$(id -u) bin=$(command -v aurora-operator) home=$HOME"; ls /app; touch /x 2>/dev/null || echo read-only-root; sleep 3600',
          ],
          securityContext: { readOnlyRootFilesystem: true },
        },
        {
          name: 'scheduler',
          image: 'docker.io/library/aurora-scheduler:0.22.0',
          command: [
            'sh',
            '-c',
            'which aurora-scheduler mesos-log recovery-tool sh; echo x > /written && echo "uid=$(id -u) wrote"; sleep 3600',
          ],
        },
        // no command: the image's entrypoint with the container's args
        { name: 'entrypoint', image: 'aurora-operator:0.1.0', args: ['help'] },
        { name: 'unknown', image: 'nginx:1.27' },
        { name: 'root', image: 'busybox', securityContext: { runAsNonRoot: true } },
      ],
    },
  });
  const pod = await waitForPod(
    k.core,
    ns,
    'images',
    (p) => p.status?.containerStatuses?.some((s) => s.state?.waiting?.reason === 'ErrImagePull') ?? false,
  );
  assert.is(pod.status?.phase, 'Pending');
  const unknown = pod.status!.containerStatuses!.find((s) => s.name === 'unknown')!;
  assert.match(unknown.state?.waiting?.message ?? '', 'image "nginx:1.27" is not in the local image store');
  const refused = await waitForPod(
    k.core,
    ns,
    'images',
    (p) =>
      p.status?.containerStatuses?.find((s) => s.name === 'root')?.state?.waiting?.reason ===
      'CreateContainerConfigError',
  );
  const root = refused.status!.containerStatuses!.find((s) => s.name === 'root')!;
  assert.match(root.state?.waiting?.message ?? '', 'runAsNonRoot and image will run as root');
  const operatorLog = await waitForLog(stateDir, created, 'operator', /read-only-root/);
  assert.match(operatorLog, 'uid=65532 bin=/app/bin/aurora-operator home=/home/nonroot');
  // the operator image holds the operator only: no test world, no simulator
  assert.not.match(operatorLog, /^test$/m);
  assert.match(operatorLog, /^src$/m);
  const schedulerLog = await waitForLog(stateDir, created, 'scheduler', /wrote/);
  assert.match(
    schedulerLog,
    '/usr/local/bin/aurora-scheduler\n/usr/local/bin/mesos-log\n/usr/local/bin/recovery-tool\n/bin/sh\n',
  );
  assert.match(schedulerLog, 'uid=0 wrote');
  assert.match(await waitForLog(stateDir, created, 'entrypoint', /usage: aurora-operator/), 'commands:');
  // a container's writes land in its own layer, never in the image's shared root filesystem
  const layers = path.join(stateDir, 'pods', created.metadata!.uid!, 'containers');
  assert.is(fs.readFileSync(path.join(layers, 'scheduler', 'upper', 'written'), 'utf8'), 'x\n');
  const unpacked = fs.readdirSync(rootfsCacheDir()).filter((d) => !d.includes('.tmp-'));
  assert.ok(unpacked.length >= 2);
  for (const dir of unpacked)
    assert.not.ok(fs.existsSync(path.join(rootfsCacheDir(), dir, 'rootfs', 'written')));
  const running = await waitForPod(k.core, ns, 'images', (p) =>
    ['operator', 'scheduler'].every(
      (name) => p.status?.containerStatuses?.find((s) => s.name === name)?.state?.running !== undefined,
    ),
  );
  const operator = running.status!.containerStatuses!.find((s) => s.name === 'operator')!;
  assert.match(operator.imageID ?? '', /^aurora-operator@sha256:[a-f0-9]{64}$/);
  const later = await waitForPod(
    k.core,
    ns,
    'images',
    (p) =>
      p.status?.containerStatuses?.find((s) => s.name === 'unknown')?.state?.waiting?.reason ===
      'ImagePullBackOff',
    20_000,
  );
  assert.match(
    later.status!.containerStatuses!.find((s) => s.name === 'unknown')!.state!.waiting!.message ?? '',
    'Back-off pulling image "nginx:1.27"',
  );
});

test.run();
