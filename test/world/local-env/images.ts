// The local image store: an OCI layout that `npm run image` fills, where the pod runtime looks images up by name.
import { createHash } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/..');

/** Where `scripts/build-images.sh` caches its work; the same defaults and environment variables as that script. */
export function imageCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return process.env['AURORA_IMAGE_CACHE'] || path.join(xdg, 'aurora-operator', 'images');
}

/** This checkout's image store: the script keys it by the checkout's real path, so checkouts never share tags. */
export function imageStoreDir(): string {
  const checkout = createHash('sha256').update(fsSync.realpathSync(repoRoot)).digest('hex').slice(0, 12);
  return process.env['AURORA_IMAGE_STORE'] || path.join(imageCacheDir(), 'checkouts', checkout, 'oci');
}

/** An image that is not in the local store: the kubelet's ErrImagePull, since nothing can be pulled here. */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
}

/** A layout, manifest or config that cannot be read: the image is there but broken. */
export class BrokenImageError extends Error {
  override readonly name = 'BrokenImageError';
}

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workingDir: string;
  user: string;
}

export interface LocalImage {
  /** The reference as the store names it ("aurora-operator:0.1.0"). */
  ref: string;
  /** Digest of the image manifest: the identity the root filesystem is cached under. */
  digest: string;
  /** Layer blob files, lowest first. */
  layers: string[];
  config: ImageConfig;
}

/**
 * The store name of an image reference, as a container runtime normalizes it: Docker Hub's "docker.io/library/"
 * and a "localhost/" prefix dropped, "latest" when no tag is given, a digest kept only when there is no tag.
 */
export function storeReference(image: string): string {
  let ref = image.trim();
  for (const prefix of ['docker.io/library/', 'index.docker.io/library/', 'docker.io/', 'localhost/']) {
    if (ref.startsWith(prefix)) ref = ref.slice(prefix.length);
  }
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = name.lastIndexOf('/');
  if (name.lastIndexOf(':') > lastSlash) return name;
  return at >= 0 ? ref : `${name}:latest`;
}

interface Descriptor {
  digest: string;
  annotations?: Record<string, string>;
}

function blobPath(store: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex))
    throw new BrokenImageError(`invalid digest "${digest}"`);
  return path.join(store, 'blobs', algorithm, hex);
}

async function readJson<T>(file: string, what: string): Promise<T> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    throw new BrokenImageError(`cannot read the ${what} (${(err as Error).message})`);
  }
}

/** Looks an image up in the store; throws ImageNotFoundError when it was never built here. */
export async function findImage(image: string, store = imageStoreDir()): Promise<LocalImage> {
  const ref = storeReference(image);
  const index = await fs.readFile(path.join(store, 'index.json'), 'utf8').catch(() => undefined);
  const manifests = index === undefined ? [] : (JSON.parse(index) as { manifests: Descriptor[] }).manifests;
  const digest = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : undefined;
  const entry = manifests.find((m) =>
    digest ? m.digest === digest : m.annotations?.['org.opencontainers.image.ref.name'] === ref,
  );
  if (!entry) {
    throw new ImageNotFoundError(
      `image "${image}" is not in the local image store ${store} and no registry can be reached: ` +
        'build it with `npm run image`',
    );
  }
  const manifest = await readJson<{ config: Descriptor; layers: Descriptor[] }>(
    blobPath(store, entry.digest),
    `manifest of ${ref}`,
  );
  const raw = await readJson<{ config?: Record<string, unknown> }>(
    blobPath(store, manifest.config.digest),
    `config of ${ref}`,
  );
  const c = raw.config ?? {};
  const env: Record<string, string> = {};
  for (const pair of (c['Env'] as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    ref,
    digest: entry.digest,
    layers: manifest.layers.map((l) => blobPath(store, l.digest)),
    config: {
      entrypoint: (c['Entrypoint'] as string[] | null | undefined) ?? [],
      cmd: (c['Cmd'] as string[] | null | undefined) ?? [],
      env,
      workingDir: (c['WorkingDir'] as string | undefined) || '/',
      user: (c['User'] as string | undefined) ?? '',
    },
  };
}
