// The operator's only write paths to Kubernetes: server-side apply with one field manager, status apply,
// label merge patches, deletes and events.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './errors.ts';

export const FIELD_MANAGER = 'aurora-operator';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string | undefined;
}

export interface EventInput {
  regarding: ObjectRef;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface KubeClient {
  apply<T extends KubernetesObject>(obj: T): Promise<T>;
  applyStatus(ref: ObjectRef, status: unknown): Promise<void>;
  mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<void>;
  delete(ref: ObjectRef, opts?: { uid?: string; gracePeriodSeconds?: number }): Promise<boolean>;
  recordEvent(event: EventInput): Promise<void>;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group ?? '', version: version ?? apiVersion };
}

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

export function createKubeClient(kc: KubeConfig, component = FIELD_MANAGER): KubeClient {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const meta = (ref: ObjectRef): KubernetesObject => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  });

  return {
    async apply(obj) {
      return (await objects.patch(
        obj,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      )) as typeof obj;
    },
    async applyStatus(ref, status) {
      const { group, version } = splitApiVersion(ref.apiVersion);
      await custom.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          namespace: ref.namespace,
          plural: plural(ref.kind),
          name: ref.name,
          body: { ...meta(ref), status },
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    },
    async mergePatch(ref, patch) {
      // the patch's own metadata (labels, annotations) must not drop the name and namespace the URL is built from
      const base = meta(ref);
      const metadata = { ...(patch['metadata'] as Record<string, unknown> | undefined), ...base.metadata };
      await objects.patch(
        { ...base, ...patch, metadata } as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      );
    },
    async delete(ref, opts = {}) {
      try {
        await objects.delete(
          meta(ref),
          undefined,
          undefined,
          opts.gracePeriodSeconds,
          undefined,
          undefined,
          opts.uid ? { preconditions: { uid: opts.uid } } : undefined,
        );
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async recordEvent(event) {
      const now = new Date();
      const { regarding } = event;
      await core.createNamespacedEvent({
        namespace: regarding.namespace,
        body: {
          metadata: { generateName: `${regarding.name}.`, namespace: regarding.namespace },
          involvedObject: {
            apiVersion: regarding.apiVersion,
            kind: regarding.kind,
            name: regarding.name,
            namespace: regarding.namespace,
            ...(regarding.uid ? { uid: regarding.uid } : {}),
          },
          type: event.type,
          reason: event.reason,
          message: event.message.slice(0, 1024),
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          source: { component },
          reportingComponent: component,
          reportingInstance: process.env['POD_NAME'] ?? component,
        },
      });
    },
  };
}
