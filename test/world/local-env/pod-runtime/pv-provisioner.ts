// Provisions a hostPath PersistentVolume pre-bound to each unbound claim, so kube-controller-manager binds them.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import type { Kube } from './kube.ts';
import { errorMessage, isAlreadyExists, isNotFound } from './kube.ts';

export const provisionerName = 'aurora-operator.io/local-pod-runtime';

export class PvProvisioner {
  private readonly inFlight = new Set<string>();
  private readonly kube: Kube;
  private readonly stateDir: string;
  private readonly log: Logger;
  private readonly hasClaim: (namespace: string, name: string) => boolean;

  constructor(opts: {
    kube: Kube;
    stateDir: string;
    log: Logger;
    hasClaim: (ns: string, name: string) => boolean;
  }) {
    this.kube = opts.kube;
    this.stateDir = opts.stateDir;
    this.log = opts.log;
    this.hasClaim = opts.hasClaim;
  }

  /** Directory holding a claim's data; stable across pod restarts and re-creation. */
  claimDir(namespace: string, name: string): string {
    return path.join(this.stateDir, 'volumes', 'pvc', namespace, name);
  }

  onUpsert(pvc: V1PersistentVolumeClaim): void {
    const uid = pvc.metadata?.uid;
    if (!uid || pvc.spec?.volumeName || pvc.metadata?.deletionTimestamp || this.inFlight.has(uid)) return;
    this.inFlight.add(uid);
    void this.provision(pvc).finally(() => this.inFlight.delete(uid));
  }

  onDelete(pvc: V1PersistentVolumeClaim): void {
    void this.release(pvc);
  }

  private async provision(pvc: V1PersistentVolumeClaim): Promise<void> {
    const { name, namespace, uid } = pvc.metadata as { name: string; namespace: string; uid: string };
    const dir = this.claimDir(namespace, name);
    try {
      await fs.mkdir(dir, { recursive: true });
      await this.kube.core.createPersistentVolume({
        body: {
          metadata: {
            name: `pvc-${uid}`,
            annotations: { 'pv.kubernetes.io/provisioned-by': provisionerName },
          },
          spec: {
            capacity: { storage: pvc.spec?.resources?.requests?.['storage'] ?? '1Gi' },
            accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
            // Retain: the runtime deletes the PV itself, kcm's hostPath deleter only handles /tmp
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: pvc.spec?.storageClassName ?? '',
            volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
            hostPath: { path: dir, type: 'DirectoryOrCreate' },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name, uid },
          },
        },
      });
      this.log.info({ pvc: `${namespace}/${name}`, dir }, 'PersistentVolume provisioned');
    } catch (err) {
      if (!isAlreadyExists(err))
        this.log.warn({ pvc: `${namespace}/${name}`, err: errorMessage(err) }, 'Provisioning failed');
    }
  }

  private async release(pvc: V1PersistentVolumeClaim): Promise<void> {
    const { name, namespace, uid } = pvc.metadata as { name: string; namespace: string; uid: string };
    try {
      const pvName = `pvc-${uid}`;
      const pv = await this.kube.core.readPersistentVolume({ name: pvName }).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (pv?.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] !== provisionerName) return;
      await this.kube.core.deletePersistentVolume({ name: pvName });
      // a claim deleted for good takes its data along, like a dynamically provisioned volume with policy Delete
      if (!this.hasClaim(namespace, name))
        await fs.rm(this.claimDir(namespace, name), { recursive: true, force: true });
      this.log.info({ pvc: `${namespace}/${name}` }, 'PersistentVolume released');
    } catch (err) {
      this.log.warn({ pvc: `${namespace}/${name}`, err: errorMessage(err) }, 'Releasing volume failed');
    }
  }
}
