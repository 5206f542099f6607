// Computes and writes the files of configMap, secret, downwardAPI and projected volumes.
import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  V1ConfigMap,
  V1DownwardAPIVolumeFile,
  V1KeyToPath,
  V1Pod,
  V1Secret,
  V1Volume,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import type { Kube } from './kube.ts';
import { isNotFound } from './kube.ts';
import { fieldRefValue, resourceFieldRefValue, type PodPlacement } from './field-ref.ts';
import type { ServiceAccountTokens } from './sa-token.ts';

export interface VolumeFile {
  content: Buffer;
  mode: number;
}

export type FileSet = Map<string, VolumeFile>;

/** A volume source that cannot be materialized yet (missing object, unbound claim); the pod waits. */
export class VolumeNotReadyError extends Error {
  override readonly name = 'VolumeNotReadyError';
}

export interface FileSourceContext {
  kube: Kube;
  pod: V1Pod;
  placement: PodPlacement;
  tokens: ServiceAccountTokens;
  /** Used for kube-root-ca.crt when the controller that publishes it is not running. */
  caPem: string;
}

function keyFiles(
  data: Map<string, Buffer>,
  items: V1KeyToPath[] | undefined,
  mode: number,
  what: string,
  optional: boolean,
): FileSet {
  const files: FileSet = new Map();
  if (!items || items.length === 0) {
    for (const [key, content] of data) files.set(key, { content, mode });
    return files;
  }
  for (const item of items) {
    const content = data.get(item.key);
    if (content === undefined) {
      if (optional) continue;
      throw new VolumeNotReadyError(`configmap references non-existent config key: ${item.key} (${what})`);
    }
    files.set(item.path, { content, mode: item.mode ?? mode });
  }
  return files;
}

async function configMapData(ctx: FileSourceContext, name: string): Promise<Map<string, Buffer> | undefined> {
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  const cm: V1ConfigMap | undefined = await ctx.kube.core
    .readNamespacedConfigMap({ name, namespace })
    .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  if (!cm) return name === 'kube-root-ca.crt' ? new Map([['ca.crt', Buffer.from(ctx.caPem)]]) : undefined;
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return data;
}

async function secretData(ctx: FileSourceContext, name: string): Promise<Map<string, Buffer> | undefined> {
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  const secret: V1Secret | undefined = await ctx.kube.core
    .readNamespacedSecret({ name, namespace })
    .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  if (!secret) return undefined;
  return new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function downwardFiles(
  ctx: FileSourceContext,
  items: V1DownwardAPIVolumeFile[] | undefined,
  mode: number,
): FileSet {
  const files: FileSet = new Map();
  for (const item of items ?? []) {
    let value = '';
    if (item.fieldRef) value = fieldRefValue(ctx.pod, item.fieldRef, ctx.placement);
    else if (item.resourceFieldRef) value = resourceFieldRefValue(ctx.pod, item.resourceFieldRef);
    files.set(item.path, { content: Buffer.from(value), mode: item.mode ?? mode });
  }
  return files;
}

async function projectionFiles(
  ctx: FileSourceContext,
  source: V1VolumeProjection,
  mode: number,
): Promise<FileSet> {
  if (source.serviceAccountToken) {
    const sat = source.serviceAccountToken;
    const token = await ctx.tokens.token(sat.audience, sat.expirationSeconds);
    return new Map([[sat.path, { content: Buffer.from(token), mode }]]);
  }
  if (source.configMap) {
    const name = source.configMap.name ?? '';
    const data = await configMapData(ctx, name);
    if (!data) return missing('configmap', name, source.configMap.optional);
    return keyFiles(data, source.configMap.items, mode, name, source.configMap.optional ?? false);
  }
  if (source.secret) {
    const name = source.secret.name ?? '';
    const data = await secretData(ctx, name);
    if (!data) return missing('secret', name, source.secret.optional);
    return keyFiles(data, source.secret.items, mode, name, source.secret.optional ?? false);
  }
  if (source.downwardAPI) return downwardFiles(ctx, source.downwardAPI.items, mode);
  return new Map();
}

function missing(kind: string, name: string, optional: boolean | undefined): FileSet {
  if (optional) return new Map();
  throw new VolumeNotReadyError(`${kind} "${name}" not found`);
}

/** Files of a file-backed volume, or undefined when the volume is not file-backed. */
export async function volumeFiles(ctx: FileSourceContext, volume: V1Volume): Promise<FileSet | undefined> {
  if (volume.configMap) {
    const { name = '', items, optional, defaultMode = 0o644 } = volume.configMap;
    const data = await configMapData(ctx, name);
    if (!data) return missing('configmap', name, optional);
    return keyFiles(data, items, defaultMode, name, optional ?? false);
  }
  if (volume.secret) {
    const { secretName = '', items, optional, defaultMode = 0o644 } = volume.secret;
    const data = await secretData(ctx, secretName);
    if (!data) return missing('secret', secretName, optional);
    return keyFiles(data, items, defaultMode, secretName, optional ?? false);
  }
  if (volume.downwardAPI)
    return downwardFiles(ctx, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? 0o644);
  if (volume.projected) {
    const files: FileSet = new Map();
    for (const source of volume.projected.sources ?? []) {
      for (const [p, f] of await projectionFiles(ctx, source, volume.projected.defaultMode ?? 0o644))
        files.set(p, f);
    }
    return files;
  }
  return undefined;
}

/** Writes the file set into dir (each file replaced by rename) and removes files that are no longer projected. */
export async function writeFileSet(
  dir: string,
  files: FileSet,
  previous: Set<string> | undefined,
): Promise<Set<string>> {
  await fs.mkdir(dir, { recursive: true });
  for (const [rel, file] of files) {
    const target = path.join(dir, rel);
    if (!target.startsWith(dir + path.sep)) continue;
    const current = await fs.readFile(target).catch(() => undefined);
    if (current?.equals(file.content)) continue;
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.writeFile(tmp, file.content, { mode: file.mode });
    await fs.chmod(tmp, file.mode);
    await fs.rename(tmp, target);
  }
  for (const rel of previous ?? []) {
    if (!files.has(rel)) await fs.rm(path.join(dir, rel), { force: true });
  }
  return new Set(files.keys());
}
