// The fork's official image runs `mesos-log initialize` in its entrypoint on every start, so no container the operator
// renders may fall back to an image's entrypoint: each one names its command.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildRehearsalPod } from '../../../src/resources/rehearsal-pod.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { makeCluster } from './cluster-fixture.ts';

const IMAGE = 'aurora-scheduler:0.27.0';

function containersOf(pod: V1PodSpec | undefined): V1Container[] {
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

const cluster = makeCluster({ image: IMAGE });
const rendered: Record<string, V1Container[]> = {
  'StatefulSet (normal)': containersOf(buildStatefulSet(cluster).spec?.template.spec),
  'StatefulSet (recovery)': containersOf(buildStatefulSet(cluster, { mode: 'recovery' }).spec?.template.spec),
  'rehearsal Pod': containersOf(buildRehearsalPod(cluster, { id: 'r1', backup: 'scheduler-backup-1' }).spec),
};

test('every rendered container sets command, so no image entrypoint runs', () => {
  for (const [what, containers] of Object.entries(rendered)) {
    assert.ok(containers.length > 0, what);
    for (const c of containers) assert.ok((c.command ?? []).length > 0, `${what}: ${c.name} has no command`);
  }
});

test('the scheduler image runs in the log-init and scheduler containers, each with its own command', () => {
  const normal = rendered['StatefulSet (normal)'] ?? [];
  const onImage = normal.filter((c) => c.image === IMAGE);
  assert.equal(
    onImage.map((c) => c.name),
    ['log-init', 'scheduler'],
  );
  assert.equal(onImage.find((c) => c.name === 'scheduler')?.command, ['aurora-scheduler']);
  assert.equal(onImage.find((c) => c.name === 'log-init')?.command?.slice(0, 2), ['sh', '-c']);
});

test.run();
