// The operator's reading of another store's settings: the credentials Secret is read once for both keys (base64
// decoded), a CA from a ConfigMap as it is, and a missing Secret or key is a wait that names it, not a failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalError } from '../../../src/controller/result.ts';
import type { RestClient } from '../../../src/k8s/rest/rest-client.ts';
import { storeSettings } from '../../../src/restore/source-store-link.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const STORE = {
  bucket: 'their-backups',
  prefix: 'aurora/theirs/',
  credentials: { secretName: 'their-keys', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' },
  caBundle: { configMapName: 'their-ca', key: 'ca.crt' },
};

function client(
  objects: Record<string, { data?: Record<string, string> }>,
): RestClient & { paths: string[] } {
  const paths: string[] = [];
  const request = async ({ path }: { path: string }) => {
    paths.push(path);
    const found = objects[path.split('/').slice(-2).join('/')];
    if (!found) throw Object.assign(new Error('not found'), { statusCode: 404, code: 404 });
    return found;
  };
  return { request, paths } as unknown as RestClient & { paths: string[] };
}

test('one GET of the Secret gives both keys, decoded; the CA comes from the ConfigMap as written', async () => {
  const c = client({
    'secrets/their-keys': { data: { id: b64('AKID'), secret: b64('s3cr3t') } },
    'configmaps/their-ca': { data: { 'ca.crt': '-----BEGIN CERTIFICATE-----' } },
  });
  const settings = await storeSettings(c, 'aurora', STORE);
  assert.equal(settings.credentials, { accessKeyId: 'AKID', secretAccessKey: 's3cr3t' });
  assert.is(settings.caBundle, '-----BEGIN CERTIFICATE-----');
  assert.equal(
    [settings.region, settings.forcePathStyle, settings.prefix],
    ['us-east-1', false, 'aurora/theirs/'],
  );
  assert.is(c.paths.filter((p) => p.endsWith('/secrets/their-keys')).length, 1, 'the Secret is read once');
});

test('a missing Secret or key waits with its name (a plain error, never terminal)', async () => {
  for (const [objects, pattern] of [
    [{}, /waiting for Secret aurora\/their-keys/],
    [
      { 'secrets/their-keys': { data: { id: b64('AKID') } } },
      /waiting for key secret in Secret aurora\/their-keys/,
    ],
  ] as const) {
    const err = await storeSettings(client(objects), 'aurora', STORE).then(
      () => assert.unreachable('should wait'),
      (e: unknown) => e,
    );
    assert.instance(err, Error);
    assert.not.instance(err, TerminalError);
    assert.match((err as Error).message, pattern);
  }
});

test.run();
