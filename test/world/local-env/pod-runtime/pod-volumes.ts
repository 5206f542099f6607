// Resolves a pod's volumes to host directories and turns a container's volumeMounts into bubblewrap bind arguments.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { resolveInRoot } from './container-root.ts';
import { isNotFound } from './kube.ts';
import { expandVars } from './var-expansion.ts';
import { VolumeNotReadyError, volumeFiles, writeFileSet, type FileSourceContext } from './volume-files.ts';

export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const syntheticTokenVolume = '__service-account-token';

interface ResolvedVolume {
  hostPath: string;
  readOnly: boolean;
  written?: Set<string>;
}

export class PodVolumes {
  private readonly resolved = new Map<string, ResolvedVolume>();
  private readonly ctx: FileSourceContext;
  private readonly podDir: string;
  private readonly volumes: V1Volume[];

  constructor(ctx: FileSourceContext, podDir: string) {
    this.ctx = ctx;
    this.podDir = podDir;
    this.volumes = [...(ctx.pod.spec?.volumes ?? [])];
  }

  /** Materializes every volume; throws VolumeNotReadyError while a claim is unbound or a source is missing. */
  async prepare(): Promise<void> {
    if (await this.needsSyntheticToken()) {
      this.volumes.push({
        name: syntheticTokenVolume,
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] },
            },
          ],
        },
      });
    }
    for (const volume of this.volumes) {
      if (!this.resolved.has(volume.name)) this.resolved.set(volume.name, await this.resolve(volume));
    }
    await this.refresh();
  }

  /** Rewrites file-backed volumes so ConfigMap/Secret changes and token renewals reach running containers. */
  async refresh(): Promise<void> {
    for (const volume of this.volumes) {
      const resolved = this.resolved.get(volume.name);
      if (!resolved) continue;
      const files = await volumeFiles(this.ctx, volume);
      if (files) resolved.written = await writeFileSet(resolved.hostPath, files, resolved.written);
    }
  }

  /** bubblewrap arguments binding each of the container's mounts into its image's root (parents before children). */
  async mountArgs(container: V1Container, env: Record<string, string>, rootfs: string): Promise<string[]> {
    const mounts = [...(container.volumeMounts ?? [])];
    if (
      this.resolved.has(syntheticTokenVolume) &&
      !mounts.some((m) => m.mountPath === serviceAccountMountPath)
    ) {
      mounts.push({ name: syntheticTokenVolume, mountPath: serviceAccountMountPath, readOnly: true });
    }
    mounts.sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
    const args: string[] = [];
    for (const mount of mounts) {
      const volume = this.resolved.get(mount.name);
      if (!volume) throw new VolumeNotReadyError(`volume "${mount.name}" is not defined in the pod`);
      const subPath = mount.subPathExpr ? expandVars(mount.subPathExpr, (n) => env[n]) : mount.subPath;
      let source = volume.hostPath;
      if (subPath) {
        source = path.join(volume.hostPath, subPath);
        // the kubelet creates a missing subPath as a directory
        const exists = await fs.stat(source).catch(() => undefined);
        if (!exists) await fs.mkdir(source, { recursive: true });
      }
      const target = await resolveInRoot(rootfs, mount.mountPath);
      args.push(mount.readOnly || volume.readOnly ? '--ro-bind' : '--bind', source, target);
    }
    return args;
  }

  /** Removes per-pod volumes (emptyDir and projected files); claims and hostPaths are kept. */
  async cleanup(): Promise<void> {
    await fs.rm(this.podDir, { recursive: true, force: true });
  }

  private async needsSyntheticToken(): Promise<boolean> {
    const spec = this.ctx.pod.spec;
    if (!spec || spec.automountServiceAccountToken === false) return false;
    const all = [...(spec.initContainers ?? []), ...spec.containers];
    if (all.every((c) => c.volumeMounts?.some((m) => m.mountPath === serviceAccountMountPath))) return false;
    const sa = await this.ctx.kube.core
      .readNamespacedServiceAccount({
        name: spec.serviceAccountName ?? 'default',
        namespace: this.ctx.pod.metadata?.namespace ?? 'default',
      })
      .catch(() => undefined);
    return sa?.automountServiceAccountToken !== false;
  }

  private async resolve(volume: V1Volume): Promise<ResolvedVolume> {
    const own = path.join(this.podDir, 'volumes', volume.name);
    if (volume.persistentVolumeClaim) {
      const hostPath = await this.claimPath(volume.persistentVolumeClaim.claimName);
      return { hostPath, readOnly: volume.persistentVolumeClaim.readOnly ?? false };
    }
    if (volume.hostPath) {
      await fs.mkdir(volume.hostPath.path, { recursive: true });
      return { hostPath: volume.hostPath.path, readOnly: false };
    }
    if (volume.emptyDir) {
      await fs.mkdir(own, { recursive: true });
      return { hostPath: own, readOnly: false };
    }
    if (volume.configMap || volume.secret || volume.downwardAPI || volume.projected) {
      return { hostPath: own, readOnly: true };
    }
    throw new VolumeNotReadyError(
      `volume "${volume.name}" has a type the local pod runtime does not support`,
    );
  }

  private async claimPath(claimName: string): Promise<string> {
    const namespace = this.ctx.pod.metadata?.namespace ?? 'default';
    const core = this.ctx.kube.core;
    const pvc = await core
      .readNamespacedPersistentVolumeClaim({ name: claimName, namespace })
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (!pvc) throw new VolumeNotReadyError(`persistentvolumeclaim "${claimName}" not found`);
    const pvName = pvc.spec?.volumeName;
    if (pvc.status?.phase !== 'Bound' || !pvName) {
      throw new VolumeNotReadyError(`pod has unbound immediate PersistentVolumeClaims (${claimName})`);
    }
    const pv = await core.readPersistentVolume({ name: pvName });
    const hostPath = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    if (!hostPath)
      throw new VolumeNotReadyError(`persistentvolume "${pvName}" is not a hostPath or local volume`);
    await fs.mkdir(hostPath, { recursive: true });
    return hostPath;
  }
}

function depth(mountPath: string): number {
  return mountPath.split('/').filter(Boolean).length;
}
