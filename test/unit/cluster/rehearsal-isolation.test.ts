// The rehearsal can never reach the live cluster: its pod's flags and ZooKeeper paths, and the check that refuses
// a rehearsal whose paths would overlap any cluster's (the ZooKeeper conflict rules) or whose flags point anywhere live.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1Container } from '@kubernetes/client-node';
import { findRehearsalOverlap, flagValue } from '../../../src/cluster/rehearsal-isolation.ts';
import { buildRehearsalNetworkPolicy } from '../../../src/resources/rehearsal-network-policy.ts';
import { buildRehearsalPod, rehearsalCluster } from '../../../src/resources/rehearsal-pod.ts';
import { buildSchedulerArgs, RECOVERY_MESOS_MASTER } from '../../../src/resources/scheduler-args.ts';
import { buildSelectorLabels } from '../../../src/resources/labels.ts';
import { CLUSTER_LABEL } from '../../../src/resources/names.ts';
import { cluster } from './fixtures.ts';

const live = cluster();
const pod = buildRehearsalPod(live, { id: 'rehearsal-1', backup: 'scheduler-backup-2026-12-06-03-00' });
const scheduler = pod.spec?.containers.find((c) => c.name === 'scheduler') as V1Container;
const args = scheduler.args ?? [];
const env = (name: string): string | undefined => scheduler.env?.find((e) => e.name === name)?.value;

test('the rehearsal pod runs a 1-replica scheduler on its own paths that cannot register', () => {
  assert.is(flagValue(args, 'mesos_master_address'), RECOVERY_MESOS_MASTER);
  assert.is(flagValue(args, 'native_log_quorum_size'), '1');
  assert.is(flagValue(args, 'serverset_path'), '/aurora/scheduler-rehearsal-u1');
  assert.is(flagValue(args, 'native_log_zk_group_path'), '/aurora/replicated-log-rehearsal-u1');
  assert.is(flagValue(args, 'framework_name'), 'Aurora-rehearsal');
  assert.is(flagValue(args, 'reconciliation_initial_delay'), '365days');
  // recovery-tool joins the rehearsal's log group, never the live one
  assert.is(env('LOG_ZK_GROUP_PATH'), '/aurora/replicated-log-rehearsal-u1');
  assert.is(env('REHEARSAL_BACKUP'), 'scheduler-backup-2026-12-06-03-00');
  assert.equal(scheduler.command?.slice(0, 2), ['sh', '-c']);
  assert.match(scheduler.command?.[2] ?? '', /recovery-tool "\$@"/);
  assert.match(scheduler.command?.[2] ?? '', /exec aurora-scheduler "\$@"/);
});

test('the rehearsal pod has only emptyDir volumes, bounded resources, no restarts and none of the live labels', () => {
  const spec = pod.spec;
  assert.is(spec?.restartPolicy, 'Never');
  for (const v of spec?.volumes ?? []) assert.ok(v.emptyDir, `${v.name} is an emptyDir`);
  for (const c of spec?.containers ?? []) {
    assert.ok(c.resources?.limits?.['memory'], `${c.name} has a memory limit`);
    assert.ok(c.resources?.requests?.['cpu'], `${c.name} has a cpu request`);
  }
  const labels = pod.metadata?.labels ?? {};
  assert.not.ok(CLUSTER_LABEL in labels, 'no cluster label: the cluster pass never counts it as a scheduler');
  for (const [k, v] of Object.entries(buildSelectorLabels(live)))
    assert.not.ok(labels[k] === v, `the StatefulSet, Services and restore policy never select it (${k})`);
  assert.is(pod.metadata?.ownerReferences?.[0]?.uid, 'u1');
  assert.is(pod.metadata?.name, 'example-rehearsal');
});

test("the rehearsal's backup agent gets none of the live cluster's object-store settings", () => {
  const shipping = cluster();
  shipping.spec.backup = {
    ...shipping.spec.backup,
    objectStore: {
      bucket: 'backups',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { secretName: 'store-keys' },
      retention: { keepLast: 3 },
    } as NonNullable<typeof shipping.spec.backup.objectStore>,
  };
  assert.is(rehearsalCluster(shipping).spec.backup.objectStore, undefined);
  const rehearsal = buildRehearsalPod(shipping, {
    id: 'rehearsal-1',
    backup: 'scheduler-backup-2026-12-06-03-00',
  });
  const names = (rehearsal.spec?.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => e.name));
  assert.equal(
    names.filter((n) => n.startsWith('OBJECT_STORE_')),
    [],
    'a rehearsal agent would ship to, or apply retention on, the live prefix',
  );
});

test('the NetworkPolicy allows egress only to ZooKeeper and the pod itself', () => {
  const np = buildRehearsalNetworkPolicy(live);
  assert.equal(np.spec?.policyTypes, ['Egress']);
  assert.equal(np.spec?.egress?.[1], {
    to: [{ ipBlock: { cidr: '127.0.3.1/32' } }],
    ports: [{ protocol: 'TCP', port: 2181 }],
  });
  assert.is(np.spec?.egress?.length, 2);
  const named = cluster();
  named.spec.zookeeper.endpoints = ['zk-0.zk:2181'];
  const rules = buildRehearsalNetworkPolicy(named).spec?.egress ?? [];
  assert.ok(
    rules.every((r) => r.ports === undefined || r.ports.every((p) => [2181, 53].includes(Number(p.port)))),
  );
});

test('the default rehearsal is isolated from the live cluster', () => {
  assert.is(findRehearsalOverlap(live, [], args), undefined);
});

test('a rehearsal path shared with another cluster, or nested with a live path, refuses the rehearsal', () => {
  const peer = cluster();
  peer.metadata = { ...peer.metadata, name: 'other', uid: 'u2' };
  peer.spec.serversetPath = '/aurora/scheduler-rehearsal-u1';
  assert.match(
    findRehearsalOverlap(live, [peer], args) ?? '',
    /serverset path \/aurora\/scheduler-rehearsal-u1 .*aurora\/other/,
  );
  const above = cluster();
  above.metadata = { ...above.metadata, name: 'above', uid: 'u3' };
  above.spec.serversetPath = '/aurora';
  assert.match(findRehearsalOverlap(live, [above], args) ?? '', /AuroraCluster aurora\/above/);
  // a live cluster whose log group sits below its serverset: the rehearsal's log group would sit below it too
  const nested = cluster();
  nested.spec.serversetPath = '/aurora';
  nested.spec.replicatedLog.zkGroupPath = '/aurora/log';
  assert.match(
    findRehearsalOverlap(nested, [], buildSchedulerArgs(rehearsalCluster(nested), 'recovery')) ?? '',
    /aurora\/example/,
  );
  // another ensemble cannot share nodes
  peer.spec.zookeeper.endpoints = ['127.0.3.9:2181'];
  assert.is(findRehearsalOverlap(live, [peer], args), undefined);
});

test('flags that point anywhere live refuse the rehearsal', () => {
  const swap = (name: string, value: string) => [...args, `-${name}=${value}`];
  assert.match(
    findRehearsalOverlap(live, [], swap('mesos_master_address', live.spec.mesos.masterAddress)) ?? '',
    /mesos_master_address/,
  );
  assert.match(findRehearsalOverlap(live, [], swap('native_log_quorum_size', '2')) ?? '', /quorum_size is 2/);
  assert.match(
    findRehearsalOverlap(live, [], swap('framework_name', 'Aurora')) ?? '',
    /framework_name Aurora/,
  );
  assert.match(
    findRehearsalOverlap(live, [], buildSchedulerArgs(live, 'normal'), live) ?? '',
    /share ZooKeeper nodes/,
  );
});

test.run();
