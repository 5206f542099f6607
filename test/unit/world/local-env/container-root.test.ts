// A container's user and mount paths as the pod runtime resolves them inside the image's root filesystem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  containerUser,
  finishArgs,
  resolveInRoot,
} from '../../../world/local-env/pod-runtime/container-root.ts';
import { ContainerConfigError } from '../../../world/local-env/pod-runtime/field-ref.ts';

const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'container-root-unit-'));
fs.mkdirSync(path.join(rootfs, 'etc'));
fs.writeFileSync(
  path.join(rootfs, 'etc/passwd'),
  'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
);
fs.mkdirSync(path.join(rootfs, 'run'));
fs.mkdirSync(path.join(rootfs, 'var'));
fs.symlinkSync('/run', path.join(rootfs, 'var/run'));
fs.symlinkSync('../run', path.join(rootfs, 'relative'));

test.after(() => fs.rmSync(rootfs, { recursive: true, force: true }));

test("the image's USER by name or number; securityContext overrides it, container over pod", async () => {
  assert.equal(await containerUser(rootfs, 'nonroot', { name: 'c' }, undefined), {
    uid: 65532,
    gid: 65532,
    home: '/home/nonroot',
  });
  assert.equal(await containerUser(rootfs, '', { name: 'c' }, undefined), { uid: 0, gid: 0, home: '/root' });
  assert.equal(await containerUser(rootfs, '1000:2000', { name: 'c' }, undefined), {
    uid: 1000,
    gid: 2000,
    home: '/',
  });
  const container = { name: 'c', securityContext: { runAsUser: 7 } };
  assert.equal(await containerUser(rootfs, 'nonroot', container, { runAsUser: 8, runAsGroup: 9 }), {
    uid: 7,
    gid: 9,
    home: '/',
  });
});

test('runAsNonRoot with a root user and an unknown user name are CreateContainerConfigError', async () => {
  const refused = await containerUser(rootfs, '', { name: 'c' }, { runAsNonRoot: true }).catch(
    (e: unknown) => e,
  );
  assert.instance(refused, ContainerConfigError);
  assert.match((refused as Error).message, 'runAsNonRoot and image will run as root');
  const unknown = await containerUser(rootfs, 'nobody', { name: 'c' }, undefined).catch((e: unknown) => e);
  assert.instance(unknown, ContainerConfigError);
});

test('a non-root user gets a user namespace; a read-only root is remounted after the volumes', () => {
  const base = { rootfs, layerDir: '/l', hostsFile: '/h' };
  assert.equal(finishArgs({ ...base, readOnly: true, uid: 65532, gid: 65532 }), [
    '--remount-ro',
    '/',
    '--unshare-user',
    '--uid',
    '65532',
    '--gid',
    '65532',
  ]);
  assert.equal(finishArgs({ ...base, readOnly: false, uid: 0, gid: 0 }), []);
});

test("mount paths follow the image's own symlinks, never the host's", async () => {
  assert.is(await resolveInRoot(rootfs, '/var/run/secrets/token'), '/run/secrets/token');
  assert.is(await resolveInRoot(rootfs, '/relative/x'), '/run/x');
  assert.is(await resolveInRoot(rootfs, '/data'), '/data');
});

test.run();
