// Builds a container's environment as the kubelet does: envFrom, env with valueFrom, $(VAR) expansion, service vars.
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import type { Kube } from './kube.ts';
import { isNotFound } from './kube.ts';
import {
  ContainerConfigError,
  fieldRefValue,
  resourceFieldRefValue,
  type PodPlacement,
} from './field-ref.ts';
import { expandVars } from './var-expansion.ts';

const envNamePattern = /^[^=\s]+$/;

/** Reads ConfigMap and Secret keys, caching each object for one container start. */
class KeySource {
  private readonly configMaps = new Map<string, Record<string, string> | undefined>();
  private readonly secrets = new Map<string, Record<string, string> | undefined>();
  private readonly kube: Kube;
  private readonly namespace: string;

  constructor(kube: Kube, namespace: string) {
    this.kube = kube;
    this.namespace = namespace;
  }

  async configMap(name: string): Promise<Record<string, string> | undefined> {
    if (!this.configMaps.has(name)) {
      const cm = await this.kube.core
        .readNamespacedConfigMap({ name, namespace: this.namespace })
        .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
      this.configMaps.set(name, cm ? (cm.data ?? {}) : undefined);
    }
    return this.configMaps.get(name);
  }

  async secret(name: string): Promise<Record<string, string> | undefined> {
    if (!this.secrets.has(name)) {
      const secret = await this.kube.core
        .readNamespacedSecret({ name, namespace: this.namespace })
        .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
      const decoded = secret
        ? Object.fromEntries(
            Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
          )
        : undefined;
      this.secrets.set(name, decoded);
    }
    return this.secrets.get(name);
  }
}

export interface EnvContext {
  kube: Kube;
  pod: V1Pod;
  placement: PodPlacement;
  /** Variables the image/runtime provides (PATH, HOSTNAME, HOME); the container's env overrides them. */
  baseEnv: Record<string, string>;
}

export async function buildContainerEnv(
  ctx: EnvContext,
  container: V1Container,
): Promise<Record<string, string>> {
  const source = new KeySource(ctx.kube, ctx.pod.metadata?.namespace ?? 'default');
  const serviceEnv: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: ctx.kube.apiHost,
    KUBERNETES_SERVICE_PORT: String(ctx.kube.apiPort),
    KUBERNETES_SERVICE_PORT_HTTPS: String(ctx.kube.apiPort),
  };
  const defined: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const data = from.configMapRef ? await source.configMap(ref.name!) : await source.secret(ref.name!);
    if (data === undefined) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${from.configMapRef ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    for (const [key, value] of Object.entries(data)) {
      if (envNamePattern.test(prefix + key)) defined[prefix + key] = value;
    }
  }
  const lookup = (name: string): string | undefined => defined[name] ?? serviceEnv[name];
  for (const envVar of container.env ?? []) {
    const value = await envValue(ctx, source, container, envVar, lookup);
    if (value !== undefined) defined[envVar.name] = value;
  }
  return { ...ctx.baseEnv, ...serviceEnv, ...defined };
}

async function envValue(
  ctx: EnvContext,
  source: KeySource,
  container: V1Container,
  envVar: V1EnvVar,
  lookup: (name: string) => string | undefined,
): Promise<string | undefined> {
  const from = envVar.valueFrom;
  if (!from) return expandVars(envVar.value ?? '', lookup);
  if (from.fieldRef) return fieldRefValue(ctx.pod, from.fieldRef, ctx.placement);
  if (from.resourceFieldRef) return resourceFieldRefValue(ctx.pod, from.resourceFieldRef, container);
  const keyRef = from.configMapKeyRef ?? from.secretKeyRef;
  if (!keyRef) return undefined;
  const kind = from.configMapKeyRef ? 'configmap' : 'secret';
  const data = from.configMapKeyRef
    ? await source.configMap(keyRef.name!)
    : await source.secret(keyRef.name!);
  const value = data?.[keyRef.key];
  if (value === undefined && !keyRef.optional) {
    throw new ContainerConfigError(
      data === undefined
        ? `${kind} "${keyRef.name}" not found`
        : `couldn't find key ${keyRef.key} in ${kind} ${ctx.pod.metadata?.namespace}/${keyRef.name}`,
    );
  }
  return value;
}
