// Polls the cluster's ephemeral ZooKeeper nodes, to measure how long a stopped scheduler's session outlived it.
import zookeeper, { type Client } from 'node-zookeeper-client';

/** One ephemeral node of one session, as seen by the poller. */
export interface ZkNodeSighting {
  path: string;
  owner: string;
  data: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface ZkPoller {
  stop(): ZkNodeSighting[];
}

function call<T>(run: (cb: (err: Error | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, v) => (err ? reject(err) : resolve(v))));
}

export async function pollZooKeeper(
  connect: string,
  paths: readonly string[],
  pollMs: number,
): Promise<ZkPoller> {
  const client: Client = zookeeper.createClient(connect, { sessionTimeout: 10_000, retries: 1 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ZooKeeper ${connect} unreachable`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  const seen = new Map<string, ZkNodeSighting>();
  const pollOnce = async (): Promise<void> => {
    for (const path of paths) {
      const children = await call<string[]>((cb) => client.getChildren(path, null, cb)).catch(() => []);
      for (const child of children) {
        const full = `${path}/${child}`;
        const got = await new Promise<{ data: string; owner: string } | undefined>((resolve) =>
          client.getData(full, null, (err, data, stat) =>
            resolve(
              err
                ? undefined
                : { data: data?.toString('utf8') ?? '', owner: stat.ephemeralOwner.toString('hex') },
            ),
          ),
        );
        // persistent nodes have no owner session and never expire
        if (!got || /^0+$/.test(got.owner)) continue;
        const key = `${full}@${got.owner}`;
        const now = Date.now();
        const s = seen.get(key) ?? {
          path: full,
          owner: got.owner,
          data: got.data,
          firstSeenMs: now,
          lastSeenMs: now,
        };
        s.lastSeenMs = now;
        seen.set(key, s);
      }
    }
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await pollOnce().catch(() => undefined);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return {
    stop() {
      running = false;
      void loop.then(() => client.close());
      return [...seen.values()];
    },
  };
}

/** mentions: the data names this IP exactly, not a longer one sharing its prefix. */
function mentions(data: string, ip: string): boolean {
  return new RegExp(`(^|[^0-9.])${ip.replaceAll('.', '\\.')}([^0-9]|$)`).test(data);
}

/**
 * staleSessions: for each scheduler process that ended at endedMs on ip, its ephemeral nodes (data naming the ip,
 * seen before the end) that were still there later: the interval the session outlived its process.
 */
export function staleSessions(
  sightings: readonly ZkNodeSighting[],
  ended: ReadonlyArray<{ ip: string; endedMs: number; subject: string }>,
  pollMs: number,
): Array<{ startMs: number; endMs: number; subject: string }> {
  const out: Array<{ startMs: number; endMs: number; subject: string }> = [];
  for (const e of ended) {
    for (const s of sightings) {
      if (!mentions(s.data, e.ip) || s.firstSeenMs >= e.endedMs) continue;
      // a node gone within one poll of the end was closed with its session, not left to expire
      if (s.lastSeenMs > e.endedMs + pollMs)
        out.push({ startMs: e.endedMs, endMs: s.lastSeenMs, subject: e.subject });
    }
  }
  return out;
}
