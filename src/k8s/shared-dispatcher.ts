// client-node 2.0.1 builds a new undici Agent for every API request and every watch (KubeConfig.createDispatcher),
// so each request opens a TLS connection of its own; at fleet scale that churn is most of the operator's native
// memory (docs/performance.md). This shares one dispatcher, and its keep-alive connections, per set of TLS settings.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

type DispatcherFactory = (cluster: unknown, options: Record<string, unknown>) => unknown;

// a changed CA or client certificate (files are re-read per request) must get a dispatcher of its own
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
// old settings' dispatchers are closed once this many newer ones exist
const KEPT = 4;

function settingsKey(cluster: unknown, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(cluster ?? null));
  for (const name of TLS_KEYS) hash.update(`\0${name}=${String(options[name] ?? '')}`);
  return hash.digest('hex');
}

/** Wraps KubeConfig's dispatcher factory (not public API: client-node is pinned, and a unit test checks it). */
export function shareDispatcher(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createDispatcher?: DispatcherFactory };
  const build = target.createDispatcher;
  if (typeof build !== 'function') {
    throw new Error(
      '@kubernetes/client-node no longer has KubeConfig.createDispatcher: revisit shared-dispatcher.ts',
    );
  }
  const shared = new Map<string, unknown>();
  target.createDispatcher = (cluster, options) => {
    const key = settingsKey(cluster, options);
    if (!shared.has(key)) {
      shared.set(key, build.call(kc, cluster, options));
      for (const [old, dispatcher] of [...shared].slice(0, Math.max(0, shared.size - KEPT))) {
        shared.delete(old);
        void (dispatcher as { close?: () => Promise<void> } | undefined)?.close?.();
      }
    }
    return shared.get(key);
  };
  return kc;
}
