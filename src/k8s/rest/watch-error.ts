// What an informer does about a watch that failed: relist when its resourceVersion can no longer be served, else
// resume from the last resourceVersion after a back-off.

/** the Status object an ERROR event carries, or the body of a failed watch request */
export interface StatusLike {
  code?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: { causes?: Array<{ reason?: unknown }> | undefined } | undefined;
}

/** parseStatus reads a failed request's body as a Status object, or returns an empty one */
export function parseStatus(body: unknown): StatusLike {
  if (typeof body !== 'string') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusLike) : {};
  } catch {
    return {};
  }
}

/**
 * planWatchFailure: 'relist' when the resourceVersion is compacted away (410, Expired, Gone) or ahead of the
 * server's cache (ResourceVersionTooLarge, or a 504 saying so), as client-go's reflector decides; else 'resume'.
 */
export function planWatchFailure(status: StatusLike): 'relist' | 'resume' {
  if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') return 'relist';
  if (status.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge')) return 'relist';
  const message = typeof status.message === 'string' ? status.message : '';
  if (status.code === 504 && /too large resource version/i.test(message)) return 'relist';
  return 'resume';
}
