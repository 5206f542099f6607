// Bound service-account tokens from the TokenRequest API, renewed at 80% of their lifetime like the kubelet.
import type { V1Pod } from '@kubernetes/client-node';
import type { Kube } from './kube.ts';

interface CachedToken {
  token: string;
  renewAt: number;
}

export class ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly kube: Kube;
  private readonly pod: V1Pod;

  constructor(kube: Kube, pod: V1Pod) {
    this.kube = kube;
    this.pod = pod;
  }

  async token(audience: string | undefined, expirationSeconds = 3607): Promise<string> {
    const key = `${audience ?? ''}/${expirationSeconds}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() < cached.renewAt) return cached.token;
    const requestedAt = Date.now();
    const result = await this.kube.core.createNamespacedServiceAccountToken({
      name: this.pod.spec?.serviceAccountName ?? 'default',
      namespace: this.pod.metadata?.namespace ?? 'default',
      body: {
        spec: {
          audiences: audience ? [audience] : [],
          expirationSeconds,
          boundObjectRef: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: this.pod.metadata!.name!,
            uid: this.pod.metadata!.uid!,
          },
        },
      },
    });
    const token = result.status?.token;
    if (!token) throw new Error('TokenRequest returned no token');
    const expires = result.status?.expirationTimestamp
      ? new Date(result.status.expirationTimestamp).getTime()
      : requestedAt + expirationSeconds * 1000;
    this.cache.set(key, { token, renewAt: requestedAt + (expires - requestedAt) * 0.8 });
    return token;
  }
}
