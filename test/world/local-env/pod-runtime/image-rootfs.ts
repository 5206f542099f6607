// Unpacks an image's layers into a root filesystem once per manifest digest, shared by every container of that image.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BrokenImageError, imageCacheDir, type LocalImage } from '../images.ts';

const run = promisify(execFile);
const unpacking = new Map<string, Promise<string>>();

export function rootfsCacheDir(): string {
  return path.join(imageCacheDir(), 'rootfs');
}

/** Path of the image's unpacked root filesystem, unpacking it first when this digest was never unpacked. */
export function imageRootfs(image: LocalImage, cacheDir = rootfsCacheDir()): Promise<string> {
  const dir = path.join(cacheDir, image.digest.replace(':', '-'));
  let pending = unpacking.get(dir);
  if (!pending) {
    pending = unpackOnce(image, dir);
    // a failed unpack is retried on the next container start instead of being remembered
    pending.catch(() => unpacking.delete(dir));
    unpacking.set(dir, pending);
  }
  return pending;
}

async function unpackOnce(image: LocalImage, dir: string): Promise<string> {
  const rootfs = path.join(dir, 'rootfs');
  if (await exists(path.join(dir, 'complete'))) return rootfs;
  // unpacked beside the final place and renamed, so another runtime never sees a half-unpacked tree
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await fs.mkdir(path.join(tmp, 'rootfs'), { recursive: true });
    for (const layer of image.layers) await applyLayer(layer, path.join(tmp, 'rootfs'));
    await fs.writeFile(path.join(tmp, 'complete'), `${image.ref}\n`);
    await fs.rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } catch (err) {
    throw new BrokenImageError(`cannot unpack image ${image.ref}: ${(err as Error).message.trim()}`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return rootfs;
}

/** Extracts one layer (tar, gzip or zstd) and applies its whiteouts, as the OCI image spec describes. */
async function applyLayer(blob: string, rootfs: string): Promise<void> {
  const { stdout } = await run('tar', ['-tf', blob], { maxBuffer: 256 * 1024 * 1024 });
  for (const entry of stdout.split('\n')) {
    const name = path.basename(entry);
    // a whiteout naming a parent directory would reach outside the root filesystem
    if (!name.startsWith('.wh.') || entry.split('/').includes('..')) continue;
    const parent = path.join(rootfs, path.dirname(entry));
    if (name === '.wh..wh..opq') {
      for (const child of await fs.readdir(parent).catch(() => [])) {
        await fs.rm(path.join(parent, child), { recursive: true, force: true });
      }
    } else {
      await fs.rm(path.join(parent, name.slice('.wh.'.length)), { recursive: true, force: true });
    }
  }
  await run('tar', ['-xf', blob, '-C', rootfs, '--same-owner', '--numeric-owner', '--exclude=.wh.*']);
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
