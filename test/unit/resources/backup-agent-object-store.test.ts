import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1EnvVar } from '@kubernetes/client-node';
import { buildBackupAgentContainer } from '../../../src/resources/backup-agent.ts';
import { auroraVersionOfImage } from '../../../src/api/object-store-env.ts';
import { makeCluster } from './cluster-fixture.ts';

function envOf(env: V1EnvVar[] | undefined): Map<string, V1EnvVar> {
  return new Map((env ?? []).map((e) => [e.name, e]));
}

test('without objectStore the agent gets no object-store env', () => {
  const env = buildBackupAgentContainer(makeCluster()).env ?? [];
  assert.equal(
    env.filter((e) => e.name.startsWith('OBJECT_STORE_')),
    [],
  );
});

test('settings travel as env; keys and CA only by reference, never as literal values', () => {
  const cluster = makeCluster({
    image: 'registry.example/aurora-scheduler:0.22.0',
    backup: {
      objectStore: {
        endpoint: 'https://127.0.0.1:7070',
        bucket: 'backups',
        forcePathStyle: true,
        credentials: { secretName: 'store-keys', accessKeyIdKey: 'id' },
        caBundle: { configMapName: 'store-ca', key: 'ca.crt' },
        encryption: { type: 'aws:kms', kmsKeyId: 'alias/aurora' },
        retention: { keepLast: 5, maxAge: '30days' },
      },
    },
  });
  const container = buildBackupAgentContainer(cluster);
  const env = envOf(container.env);
  const values = Object.fromEntries([...env].map(([k, v]) => [k, v.value]));
  assert.is(values['OBJECT_STORE_BUCKET'], 'backups');
  assert.is(values['OBJECT_STORE_ENDPOINT'], 'https://127.0.0.1:7070');
  assert.is(values['OBJECT_STORE_PREFIX'], 'aurora/example/');
  assert.is(values['OBJECT_STORE_REGION'], 'us-east-1');
  assert.is(values['OBJECT_STORE_FORCE_PATH_STYLE'], 'true');
  assert.is(values['OBJECT_STORE_SSE'], 'aws:kms');
  assert.is(values['OBJECT_STORE_SSE_KMS_KEY_ID'], 'alias/aurora');
  assert.is(values['OBJECT_STORE_KEEP_LAST'], '5');
  assert.is(values['OBJECT_STORE_MAX_AGE'], '30days');
  assert.is(values['AURORA_CLUSTER_NAME'], 'example');
  assert.is(values['AURORA_CLUSTER_NAMESPACE'], 'aurora');
  assert.is(values['AURORA_VERSION'], '0.22.0');
  assert.is(values['SCHEDULER_HTTP_URL'], 'http://$(POD_IP):8081');
  assert.equal(env.get('OBJECT_STORE_ACCESS_KEY_ID')?.valueFrom, {
    secretKeyRef: { name: 'store-keys', key: 'id' },
  });
  assert.equal(env.get('OBJECT_STORE_SECRET_ACCESS_KEY')?.valueFrom, {
    secretKeyRef: { name: 'store-keys', key: 'AWS_SECRET_ACCESS_KEY' },
  });
  // the CA is a mounted file, never env (test/unit/resources/object-store-ca.test.ts)
  assert.not.ok([...env.keys()].some((name) => name.startsWith('OBJECT_STORE_CA')));
  for (const name of ['OBJECT_STORE_ACCESS_KEY_ID', 'OBJECT_STORE_SECRET_ACCESS_KEY']) {
    assert.is(env.get(name)?.value, undefined, name);
  }
  // $(POD_IP) expands only when POD_IP is defined earlier in the list
  const names = (container.env ?? []).map((e) => e.name);
  assert.ok(names.indexOf('POD_IP') < names.indexOf('SCHEDULER_HTTP_URL'));
});

test('a given prefix and no credentials (default chain)', () => {
  const env = envOf(
    buildBackupAgentContainer(
      makeCluster({
        backup: {
          objectStore: { bucket: 'backups', prefix: 'p/', caBundle: { secretName: 's', key: 'ca' } },
        },
      }),
    ).env,
  );
  assert.is(env.get('OBJECT_STORE_PREFIX')?.value, 'p/');
  assert.not.ok(env.has('OBJECT_STORE_ACCESS_KEY_ID'));
  assert.not.ok(env.has('OBJECT_STORE_ENDPOINT'));
});

test('the Aurora version is the image tag, never a registry port', () => {
  assert.is(auroraVersionOfImage('aurora-scheduler:0.22.0'), '0.22.0');
  assert.is(auroraVersionOfImage('localhost:5000/aurora-scheduler'), 'unknown');
  assert.is(auroraVersionOfImage('localhost:5000/aurora:0.21.0@sha256:abc'), '0.21.0');
});

test('spec.version, when set, is the Aurora version the agent records, over the image tag', () => {
  const cluster = makeCluster({
    image: 'registry.example/aurora-scheduler:0.22.0',
    version: '0.27.0',
    backup: { objectStore: { bucket: 'backups' } },
  });
  const env = buildBackupAgentContainer(cluster).env ?? [];
  assert.is(env.find((e) => e.name === 'AURORA_VERSION')?.value, '0.27.0');
});

test.run();
