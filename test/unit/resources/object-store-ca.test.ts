// The object store's CA bundle reaches the backup agent as a mounted file (Secret or ConfigMap key), never as env,
// and the agent reads that file at start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1Container } from '@kubernetes/client-node';
import { agentSettingsFromEnv } from '../../../src/agent/backup-agent-process.ts';
import { buildRehearsalPod } from '../../../src/resources/rehearsal-pod.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { makeCluster } from './cluster-fixture.ts';

const CA_FILE = '/etc/aurora-operator/object-store-ca/ca.crt';

function agentOf(containers: V1Container[] | undefined): V1Container {
  const agent = containers?.find((c) => c.name === 'backup-agent');
  if (!agent) throw new Error('no backup-agent container');
  return agent;
}

function storeCluster(caBundle?: { secretName?: string; configMapName?: string; key: string }) {
  return makeCluster({ backup: { objectStore: { bucket: 'backups', ...(caBundle ? { caBundle } : {}) } } });
}

test('a CA from a ConfigMap key is a volume mounted read-only into the agent, which gets only its path', () => {
  const pod = buildStatefulSet(storeCluster({ configMapName: 'store-ca', key: 'bundle.pem' })).spec?.template
    .spec;
  assert.equal(
    pod?.volumes?.find((v) => v.name === 'object-store-ca'),
    {
      name: 'object-store-ca',
      configMap: { name: 'store-ca', items: [{ key: 'bundle.pem', path: 'ca.crt' }] },
    },
  );
  const agent = agentOf(pod?.containers);
  assert.equal(
    agent.volumeMounts?.find((m) => m.name === 'object-store-ca'),
    {
      name: 'object-store-ca',
      mountPath: '/etc/aurora-operator/object-store-ca',
      readOnly: true,
    },
  );
  assert.equal(
    agent.env?.filter((e) => e.name.startsWith('OBJECT_STORE_CA')),
    [{ name: 'OBJECT_STORE_CA_FILE', value: CA_FILE }],
  );
  // only the agent ships: the scheduler sees no CA
  const scheduler = pod?.containers.find((c) => c.name === 'scheduler');
  assert.not.ok(scheduler?.volumeMounts?.some((m) => m.name === 'object-store-ca'));
});

test('a CA from a Secret key is a secret volume', () => {
  const pod = buildStatefulSet(storeCluster({ secretName: 'store-tls', key: 'ca' })).spec?.template.spec;
  assert.equal(
    pod?.volumes?.find((v) => v.name === 'object-store-ca'),
    { name: 'object-store-ca', secret: { secretName: 'store-tls', items: [{ key: 'ca', path: 'ca.crt' }] } },
  );
});

test('without a caBundle, or without a store, there is no CA volume, mount or env', () => {
  for (const cluster of [storeCluster(), makeCluster()]) {
    const pod = buildStatefulSet(cluster).spec?.template.spec;
    assert.not.ok(pod?.volumes?.some((v) => v.name === 'object-store-ca'));
    const agent = agentOf(pod?.containers);
    assert.not.ok(agent.volumeMounts?.some((m) => m.name === 'object-store-ca'));
    assert.not.ok(agent.env?.some((e) => e.name === 'OBJECT_STORE_CA_FILE'));
  }
});

test('the rehearsal pod, which has no CA volume, mounts none', () => {
  const pod = buildRehearsalPod(storeCluster({ configMapName: 'store-ca', key: 'ca.crt' }), {
    id: 'r1',
    backup: 'scheduler-backup-2026-12-06-05-00',
  });
  const names = new Set(pod.spec?.volumes?.map((v) => v.name));
  for (const c of pod.spec?.containers ?? [])
    for (const m of c.volumeMounts ?? []) assert.ok(names.has(m.name), `${c.name} mounts ${m.name}`);
});

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('the agent reads the CA bundle from the file; a missing or non-PEM file is an error to print', () => {
  const dir = mkdtempSync(join(tmpdir(), 'object-store-ca-'));
  try {
    const file = join(dir, 'ca.crt');
    writeFileSync(file, PEM);
    const env = { AGENT_TOKEN: 't', BACKUP_DIR: '/backups', OBJECT_STORE_BUCKET: 'backups' };
    const settings = agentSettingsFromEnv({ ...env, OBJECT_STORE_CA_FILE: file });
    if (typeof settings === 'string') throw new Error(settings);
    assert.is(settings.shipping?.store.caBundle, PEM);
    const plain = agentSettingsFromEnv(env);
    assert.ok(typeof plain === 'object' && plain.shipping?.store.caBundle === undefined);
    assert.match(
      String(agentSettingsFromEnv({ ...env, OBJECT_STORE_CA_FILE: join(dir, 'absent.crt') })),
      /OBJECT_STORE_CA_FILE .*absent\.crt: .*ENOENT/,
    );
    writeFileSync(file, 'not a certificate');
    assert.match(
      String(agentSettingsFromEnv({ ...env, OBJECT_STORE_CA_FILE: file })),
      /holds no PEM certificate/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
