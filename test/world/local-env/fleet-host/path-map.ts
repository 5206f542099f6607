// Without a mount namespace, a hosted program sees the host's files: container paths in its argv and environment
// are rewritten to the volumes' host directories instead.

/** The [container path, host path] pairs of bubblewrap bind arguments (`--bind SRC DEST`, `--ro-bind SRC DEST`). */
export function mountsOf(bindArgs: readonly string[]): Array<[string, string]> {
  const mounts: Array<[string, string]> = [];
  for (let i = 0; i + 2 < bindArgs.length; i++) {
    if (bindArgs[i] === '--bind' || bindArgs[i] === '--ro-bind') {
      mounts.push([bindArgs[i + 2] ?? '', bindArgs[i + 1] ?? '']);
      i += 2;
    }
  }
  return mounts;
}

/** Rewrites an absolute path under a mount to the host path; the deepest mount wins, as in the container. */
export function hostPath(mounts: ReadonlyArray<[string, string]>, value: string): string {
  let best: [string, string] | undefined;
  for (const mount of mounts) {
    const [target] = mount;
    const under = value === target || value.startsWith(target.endsWith('/') ? target : `${target}/`);
    if (under && (!best || target.length > best[0].length)) best = mount;
  }
  return best ? best[1] + value.slice(best[0].length) : value;
}

/** Rewrites `/path`, `@/path` (an arguments file) and `-flag=/path` arguments. */
export function hostArgv(mounts: ReadonlyArray<[string, string]>, argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const m = /^(@|-{1,2}[\w.-]+=)?(\/.*)$/.exec(arg);
    return m ? `${m[1] ?? ''}${hostPath(mounts, m[2] ?? '')}` : arg;
  });
}

export function hostEnv(
  mounts: ReadonlyArray<[string, string]>,
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? hostPath(mounts, v) : v]),
  );
}
