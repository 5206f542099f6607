// The local image store: reference normalization, lookup, unpacking with whiteouts, and broken images.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BrokenImageError,
  ImageNotFoundError,
  findImage,
  storeReference,
} from '../../../world/local-env/images.ts';
import { imageRootfs } from '../../../world/local-env/pod-runtime/image-rootfs.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'images-unit-'));
const store = path.join(tmp, 'oci');

function blob(content: Buffer | string): string {
  const hex = createHash('sha256').update(content).digest('hex');
  fs.mkdirSync(path.join(store, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(store, 'blobs', 'sha256', hex), content);
  return `sha256:${hex}`;
}

/** A layer tarball made by tar from files given as path -> content. */
function layer(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'layer-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return blob(execFileSync('tar', ['-czf', '-', '-C', dir, '.']));
}

function addImage(ref: string, layers: string[], config: Record<string, unknown>): string {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    config: { digest: blob(JSON.stringify({ config })) },
    layers: layers.map((digest) => ({ digest })),
  });
  const digest = blob(manifest);
  const indexFile = path.join(store, 'index.json');
  const index = fs.existsSync(indexFile)
    ? (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { manifests: unknown[] })
    : { manifests: [] };
  index.manifests.push({ digest, annotations: { 'org.opencontainers.image.ref.name': ref } });
  fs.writeFileSync(indexFile, JSON.stringify(index));
  return digest;
}

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('references are normalized as a container runtime does', () => {
  assert.is(storeReference('busybox'), 'busybox:latest');
  assert.is(storeReference('docker.io/library/busybox:1.35'), 'busybox:1.35');
  assert.is(storeReference('localhost/aurora-operator:0.1.0'), 'aurora-operator:0.1.0');
  assert.is(storeReference('registry:5000/team/app'), 'registry:5000/team/app:latest');
  assert.is(storeReference('app@sha256:abc'), 'app@sha256:abc');
});

test('an image found by name brings its config and layers; an unbuilt one is ImageNotFoundError', async () => {
  const digest = addImage('tool:1', [layer({ 'bin/tool': 'one' })], {
    Entrypoint: ['tool'],
    Cmd: ['run'],
    Env: ['PATH=/bin', 'A=b=c'],
    User: '65532:65532',
  });
  const image = await findImage('docker.io/library/tool:1', store);
  assert.is(image.digest, digest);
  assert.equal(image.config.entrypoint, ['tool']);
  assert.equal(image.config.cmd, ['run']);
  assert.equal(image.config.env, { PATH: '/bin', A: 'b=c' });
  assert.is(image.config.user, '65532:65532');
  assert.is(image.config.workingDir, '/');
  assert.is((await findImage(`tool@${digest}`, store)).ref, `tool@${digest}`);
  const missing = await findImage('nginx:1.27', store).catch((err: unknown) => err);
  assert.instance(missing, ImageNotFoundError);
  assert.match((missing as Error).message, 'image "nginx:1.27" is not in the local image store');
});

test('layers are applied in order with their whiteouts, once per digest', async () => {
  addImage(
    'layered:1',
    [
      layer({ 'etc/keep': 'kept', 'etc/gone': 'removed', 'data/old/x': '1' }),
      layer({ 'etc/.wh.gone': '', 'data/old/.wh..wh..opq': '', 'data/old/y': '2' }),
    ],
    {},
  );
  const image = await findImage('layered:1', store);
  const cache = path.join(tmp, 'rootfs');
  const rootfs = await imageRootfs(image, cache);
  assert.is(fs.readFileSync(path.join(rootfs, 'etc/keep'), 'utf8'), 'kept');
  assert.not.ok(fs.existsSync(path.join(rootfs, 'etc/gone')));
  assert.not.ok(fs.existsSync(path.join(rootfs, 'etc/.wh.gone')));
  assert.equal(fs.readdirSync(path.join(rootfs, 'data/old')), ['y']);
  fs.writeFileSync(path.join(rootfs, 'marker'), '');
  assert.is(await imageRootfs(image, cache), rootfs);
  assert.ok(fs.existsSync(path.join(rootfs, 'marker')), 'the second call reuses the unpacked tree');
});

test('a corrupt layer or a missing manifest is BrokenImageError and leaves nothing half unpacked', async () => {
  addImage('corrupt:1', [blob('not a tar archive')], {});
  const cache = path.join(tmp, 'rootfs-corrupt');
  const err = await imageRootfs(await findImage('corrupt:1', store), cache).catch((e: unknown) => e);
  assert.instance(err, BrokenImageError);
  assert.match((err as Error).message, 'cannot unpack image corrupt:1');
  assert.equal(fs.readdirSync(cache), []);
  const digest = addImage('no-manifest:1', [], {});
  fs.rmSync(path.join(store, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const broken = await findImage('no-manifest:1', store).catch((e: unknown) => e);
  assert.instance(broken, BrokenImageError);
  assert.match((broken as Error).message, 'cannot read the manifest of no-manifest:1');
});

test.run();
