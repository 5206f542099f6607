// The operator's only write paths to Kubernetes: server-side apply with one field manager, status apply,
// label merge patches, deletes and events.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from './errors.ts';
import { CONTENT_TYPE, type RestClient } from './rest/rest-client.ts';
import { pluralOf, resourcePath } from './rest/resource-path.ts';

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

function pathOf(
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
  sub?: string,
): string {
  return resourcePath({
    apiVersion: ref.apiVersion,
    plural: pluralOf(ref.kind),
    namespace: ref.namespace,
    name: ref.name,
    subresource: sub,
  });
}

export function createKubeClient(client: RestClient, component = FIELD_MANAGER): KubeClient {
  // like client-node's object API, an object without a namespace is taken to be in the configured one
  const at = (ref: Omit<ObjectRef, 'uid'>, sub?: string): string =>
    pathOf({ ...ref, namespace: ref.namespace || client.namespace }, sub);
  const meta = (ref: ObjectRef): KubernetesObject => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  });

  return {
    async apply(obj) {
      const path = at({
        apiVersion: obj.apiVersion ?? '',
        kind: obj.kind ?? '',
        namespace: obj.metadata?.namespace ?? '',
        name: obj.metadata?.name ?? '',
      });
      return client.request<typeof obj>({
        method: 'PATCH',
        path,
        query: { fieldManager: FIELD_MANAGER, force: true },
        body: obj,
        contentType: CONTENT_TYPE.apply,
      });
    },
    async applyStatus(ref, status) {
      await client.request({
        method: 'PATCH',
        path: at(ref, 'status'),
        query: { fieldManager: FIELD_MANAGER, force: true },
        body: { ...meta(ref), status },
        contentType: CONTENT_TYPE.apply,
      });
    },
    async mergePatch(ref, patch) {
      // the patch's own metadata (labels, annotations) must not drop the name and namespace the URL is built from
      const base = meta(ref);
      const metadata = { ...(patch['metadata'] as Record<string, unknown> | undefined), ...base.metadata };
      await client.request({
        method: 'PATCH',
        path: at(ref),
        query: { fieldManager: FIELD_MANAGER },
        body: { ...base, ...patch, metadata },
        contentType: CONTENT_TYPE.mergePatch,
      });
    },
    async delete(ref, opts = {}) {
      try {
        await client.request({
          method: 'DELETE',
          path: at(ref),
          query: { gracePeriodSeconds: opts.gracePeriodSeconds },
          body: opts.uid ? { preconditions: { uid: opts.uid } } : undefined,
        });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async recordEvent(event) {
      const now = new Date();
      const { regarding } = event;
      await client.request({
        method: 'POST',
        path: resourcePath({ apiVersion: 'v1', plural: 'events', namespace: regarding.namespace }),
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
