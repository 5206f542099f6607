// Kubernetes client plumbing shared by the pod runtime: clients, patch content types, error codes and time formats.
import fs from 'node:fs';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface Kube {
  kc: KubeConfig;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  /** Real apiserver address; pods get it instead of a Service ClusterIP. */
  apiHost: string;
  apiPort: number;
  /** PEM of the CA that signed the apiserver serving certificate. */
  caPem: string;
}

export function loadKube(kubeconfigPath: string): Kube {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
  const url = new URL(cluster.server);
  let caPem = '';
  if (cluster.caData) caPem = Buffer.from(cluster.caData, 'base64').toString('utf8');
  else if (cluster.caFile) caPem = fs.readFileSync(cluster.caFile, 'utf8');
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    apiHost: url.hostname,
    apiPort: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    caPem,
  };
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const strategicMergePatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** HTTP status of an ApiException (or undefined for network errors). */
export function apiStatusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number')
    return err.code;
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return apiStatusCode(err) === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return apiStatusCode(err) === 409;
}

/** Short error text for logs: the apiserver's Status message when there is one. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'body' in err && typeof err.body === 'string') {
    try {
      const status = JSON.parse(err.body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      // not JSON: fall through to the generic message
    }
  }
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/** RFC 3339 with seconds precision, as the kubelet writes status times. */
export function rfc3339(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** MicroTime needs six fractional digits; the typed serializer would send three. */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Plain JSON copy, so list results (Date fields) and watch events (string fields) look alike. */
export function plain<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}
