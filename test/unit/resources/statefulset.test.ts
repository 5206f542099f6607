import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { makeCluster } from './cluster-fixture.ts';

const LABELS = {
  'app.kubernetes.io/name': 'aurora-scheduler',
  'app.kubernetes.io/instance': 'example',
  'app.kubernetes.io/component': 'scheduler',
  'app.kubernetes.io/managed-by': 'aurora-operator',
  'aurora-operator.io/cluster': 'example',
};

test('metadata: name, namespace, labels, mode marker and controller owner reference', () => {
  const sts = buildStatefulSet(makeCluster());
  assert.equal(sts.metadata, {
    name: 'example',
    namespace: 'aurora',
    labels: LABELS,
    annotations: {
      'aurora-operator.io/scheduler-mode': 'normal',
      'aurora-operator.io/cluster-replicas': '3',
      'aurora-operator.io/log-quorum': '2',
    },
    ownerReferences: [
      {
        apiVersion: 'aurora-operator.io/v1alpha1',
        kind: 'AuroraCluster',
        name: 'example',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  });
  assert.is(buildStatefulSet(makeCluster({}, null)).metadata?.ownerReferences, undefined);
  const recovery = buildStatefulSet(makeCluster(), { mode: 'recovery' });
  assert.is(recovery.metadata?.annotations?.['aurora-operator.io/scheduler-mode'], 'recovery');
});

test('spec: parallel, OnDelete, headless service, selector and replicas override', () => {
  const spec = buildStatefulSet(makeCluster()).spec!;
  assert.is(spec.replicas, 3);
  assert.is(spec.podManagementPolicy, 'Parallel');
  assert.equal(spec.updateStrategy, { type: 'OnDelete' });
  assert.is(spec.serviceName, 'example-headless');
  assert.equal(spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'aurora-scheduler',
    'app.kubernetes.io/instance': 'example',
    'app.kubernetes.io/component': 'scheduler',
  });
  assert.equal(spec.template.metadata?.labels, LABELS);
  assert.is(buildStatefulSet(makeCluster(), { replicas: 0 }).spec?.replicas, 0);
});

test('volume claim templates for the log and the backups, with storage classes', () => {
  const cluster = makeCluster({
    replicatedLog: { storage: { size: '2Gi', storageClassName: 'ssd' } },
    backup: { storage: { size: '3Gi' } },
  });
  assert.equal(buildStatefulSet(cluster).spec?.volumeClaimTemplates, [
    {
      metadata: { name: 'log' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '2Gi' } },
        storageClassName: 'ssd',
      },
    },
    {
      metadata: { name: 'backups' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } } },
    },
  ]);
});

test('scheduler container: command, env, ports, probes, mounts', () => {
  const cluster = makeCluster({
    zookeeper: { endpoints: ['127.0.3.1:2181'], digestCredentialsSecret: { name: 'zk-auth', key: 'digest' } },
    jvm: { options: ['-Xms1g', '-Xmx1g'] },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2 } },
  });
  const pod = buildStatefulSet(cluster).spec!.template.spec!;
  assert.is(pod.restartPolicy, 'Always');
  assert.equal(
    pod.containers.map((x) => x.name),
    ['scheduler', 'backup-agent'],
  );
  const c = pod.containers[0]!;
  assert.is(c.name, 'scheduler');
  assert.is(c.image, 'aurora-scheduler:0.22.0');
  assert.equal(c.command, ['aurora-scheduler']);
  assert.equal(c.env, [
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'LIBPROCESS_IP', value: '$(POD_IP)' },
    { name: 'LIBPROCESS_PORT', value: '8083' },
    { name: 'GLOG_v', value: '0' },
    { name: 'JAVA_OPTS', value: '-Xms1g -Xmx1g' },
  ]);
  assert.equal(c.ports, [
    { name: 'http', containerPort: 8081, protocol: 'TCP' },
    { name: 'libprocess', containerPort: 8083, protocol: 'TCP' },
  ]);
  assert.equal(c.livenessProbe, {
    httpGet: { path: '/health', port: 'http' },
    timeoutSeconds: 2,
    periodSeconds: 10,
    failureThreshold: 10,
  });
  assert.equal(c.readinessProbe?.httpGet, { path: '/health', port: 'http' });
  // Aurora lists every entry of -backup_dir, so the scheduler sees only the backups subdirectory
  assert.equal(c.volumeMounts, [
    { name: 'log', mountPath: '/var/lib/aurora/scheduler/db' },
    { name: 'backups', mountPath: '/var/lib/aurora/scheduler/backups', subPath: 'scheduler-backups' },
    { name: 'zk-digest-credentials', mountPath: '/etc/aurora-operator/zk-digest', readOnly: true },
  ]);
  assert.ok(c.args?.includes('-backup_dir=/var/lib/aurora/scheduler/backups'), 'the flag names the mount');
  assert.equal(c.resources, { limits: { cpu: '2' }, requests: { cpu: '500m', memory: '1Gi' } });
});

test('no JAVA_OPTS or secret env unless configured', () => {
  const env = buildStatefulSet(makeCluster()).spec!.template.spec!.containers[0]!.env!.map((e) => e.name);
  assert.equal(env, ['POD_IP', 'LIBPROCESS_IP', 'LIBPROCESS_PORT', 'GLOG_v']);
});

test('recovery mode only changes the scheduler arguments', () => {
  const cluster = makeCluster();
  const normal = buildStatefulSet(cluster).spec!.template.spec!;
  const recovery = buildStatefulSet(cluster, { mode: 'recovery' }).spec!.template.spec!;
  assert.ok(recovery.containers[0]!.args!.includes('-max_registration_delay=360mins'));
  assert.equal({ ...recovery.containers[0], args: [] }, { ...normal.containers[0], args: [] });
});

test('log-init init container and its ConfigMap volume', () => {
  const pod = buildStatefulSet(makeCluster({ backup: { dir: '/backups' } })).spec!.template.spec!;
  const init = pod.initContainers![0]!;
  assert.is(init.name, 'log-init');
  assert.is(init.image, 'aurora-scheduler:0.22.0');
  assert.is(init.command![0], 'sh');
  assert.is(init.command![1], '-c');
  assert.match(init.command![2]!, 'mesos-log initialize --path="$LOG_DIR"');
  assert.equal(init.env, [
    { name: 'ALLOWED_FILE', value: '/etc/aurora-operator/log-init/allowed' },
    { name: 'LOG_DIR', value: '/var/lib/aurora/scheduler/db' },
    { name: 'BACKUP_VOLUME', value: '/var/lib/aurora-operator/backup-volume' },
    { name: 'BACKUP_DIR', value: '/var/lib/aurora-operator/backup-volume/scheduler-backups' },
    { name: 'OPERATOR_DIR', value: '/var/lib/aurora-operator/backup-volume/aurora-operator' },
    { name: 'RESTORE_DIR', value: '/etc/aurora-operator/restore' },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'ZK_ENDPOINTS', value: '127.0.3.1:2181' },
    { name: 'LOG_ZK_GROUP_PATH', value: '/aurora/replicated-log' },
    // the recovery-tool joins the log group from the pod IP, not from a default address
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'LIBPROCESS_IP', value: '$(POD_IP)' },
  ]);
  assert.equal(init.volumeMounts, [
    { name: 'log', mountPath: '/var/lib/aurora/scheduler/db' },
    // the whole volume, whatever spec.backup.dir says: log-init migrates it and keeps the operator's state there
    { name: 'backups', mountPath: '/var/lib/aurora-operator/backup-volume' },
    { name: 'log-init', mountPath: '/etc/aurora-operator/log-init', readOnly: true },
    { name: 'restore', mountPath: '/etc/aurora-operator/restore', readOnly: true },
  ]);
  // the restore ConfigMap is optional, so the template is the same with or without a restore
  assert.equal(pod.volumes, [
    { name: 'log-init', configMap: { name: 'example-log-init' } },
    { name: 'restore', configMap: { name: 'example-restore', optional: true } },
  ]);
});

test('backup-agent sidecar: the whole backups volume, both directories and the retention by env', () => {
  const cluster = makeCluster({ backup: { dir: '/backups', preRestoreLogRetention: '12hrs' } });
  const pod = buildStatefulSet(cluster).spec!.template.spec!;
  const agent = pod.containers[1]!;
  assert.is(agent.name, 'backup-agent');
  assert.equal(agent.command, ['aurora-operator', 'backup-agent']);
  assert.equal(agent.env, [
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'AGENT_LISTEN_HOST', value: '$(POD_IP)' },
    { name: 'AGENT_PORT', value: '8084' },
    { name: 'BACKUP_DIR', value: '/var/lib/aurora-operator/backup-volume/scheduler-backups' },
    { name: 'OPERATOR_DIR', value: '/var/lib/aurora-operator/backup-volume/aurora-operator' },
    { name: 'PRE_RESTORE_LOG_RETENTION', value: '12hrs' },
    { name: 'AGENT_TOKEN', valueFrom: { secretKeyRef: { name: 'example-backup-agent', key: 'token' } } },
  ]);
  assert.equal(agent.volumeMounts, [
    { name: 'backups', mountPath: '/var/lib/aurora-operator/backup-volume' },
  ]);
  const retention = buildStatefulSet(makeCluster()).spec!.template.spec!.containers[1]!.env;
  assert.equal(
    retention?.find((e) => e.name === 'PRE_RESTORE_LOG_RETENTION'),
    { name: 'PRE_RESTORE_LOG_RETENTION', value: '3days' },
    'the default retention',
  );
});

test("log-init gets the schedulers' JAVA_OPTS and ZooKeeper credentials file, for recovery-tool", () => {
  const cluster = makeCluster({
    jvm: { options: ['-Xmx2g'] },
    zookeeper: {
      endpoints: ['127.0.3.1:2181'],
      digestCredentialsSecret: { name: 'zk', key: 'digest' },
    },
  });
  const init = buildStatefulSet(cluster).spec!.template.spec!.initContainers![0]!;
  const scheduler = buildStatefulSet(cluster).spec!.template.spec!.containers[0]!;
  const pick = (env: typeof init.env, name: string) => env?.find((e) => e.name === name);
  assert.equal(pick(init.env, 'JAVA_OPTS'), pick(scheduler.env, 'JAVA_OPTS'));
  assert.equal(pick(init.env, 'ZK_DIGEST_FILE'), {
    name: 'ZK_DIGEST_FILE',
    value: '/etc/aurora-operator/zk-digest/credentials',
  });
  assert.match(init.command![2]!, '-zk_digest_credentials "@$ZK_DIGEST_FILE"');
  const mount = {
    name: 'zk-digest-credentials',
    mountPath: '/etc/aurora-operator/zk-digest',
    readOnly: true,
  };
  assert.ok(init.volumeMounts?.some((m) => JSON.stringify(m) === JSON.stringify(mount)));
});

test('ZooKeeper credentials reach the pod only as a Secret volume file, never as env or argv', () => {
  const cluster = makeCluster({
    zookeeper: { endpoints: ['127.0.3.1:2181'], digestCredentialsSecret: { name: 'zk', key: 'digest' } },
  });
  const pod = buildStatefulSet(cluster).spec!.template.spec!;
  assert.equal(
    pod.volumes?.find((v) => v.name === 'zk-digest-credentials'),
    {
      name: 'zk-digest-credentials',
      secret: { secretName: 'zk', items: [{ key: 'digest', path: 'credentials' }] },
    },
  );
  for (const c of [...pod.initContainers!, ...pod.containers]) {
    assert.not.ok(
      (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === 'zk'),
      `${c.name}: the credentials Secret is not in the environment`,
    );
  }
  const scheduler = pod.containers[0]!;
  assert.ok(scheduler.volumeMounts?.some((m) => m.name === 'zk-digest-credentials' && m.readOnly));
  const agent = pod.containers.find((c) => c.name === 'backup-agent')!;
  assert.not.ok(
    agent.volumeMounts?.some((m) => m.name === 'zk-digest-credentials'),
    'the agent does not see it',
  );
  const plain = buildStatefulSet(makeCluster({})).spec!.template.spec!;
  assert.not.ok(plain.volumes?.some((v) => v.name === 'zk-digest-credentials'));
});

test('placement and pod extras come from the spec', () => {
  const cluster = makeCluster({
    serviceAccountName: 'aurora',
    podAnnotations: { 'example.com/team': 'infra' },
    scheduling: {
      nodeSelector: { disk: 'ssd' },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'aurora', effect: 'NoSchedule' }],
    },
  });
  const template = buildStatefulSet(cluster).spec!.template;
  assert.equal(template.metadata?.annotations, { 'example.com/team': 'infra' });
  assert.is(template.spec?.serviceAccountName, 'aurora');
  assert.equal(template.spec?.nodeSelector, { disk: 'ssd' });
  assert.equal(template.spec?.affinity, {
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] },
  });
  assert.equal(template.spec?.tolerations, [
    { key: 'dedicated', operator: 'Equal', value: 'aurora', effect: 'NoSchedule' },
  ]);
});

test.run();
