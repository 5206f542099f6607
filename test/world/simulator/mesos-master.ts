// Stand-in for Mesos registration: "registered" once -mesos_master_address leads to a live master.
import net from 'node:net';
import zookeeper, { type Client } from 'node-zookeeper-client';

export type MasterAddress =
  { kind: 'zk'; connectString: string; path: string } | { kind: 'hostport'; host: string; port: number };

/** Parses `zk://[user:pass@]h:p[,h:p]/path` or `host:port`. */
export function parseMasterAddress(address: string): MasterAddress {
  const zk = /^zk:\/\/(?:[^@/]*@)?([^/]+)(\/.*)$/.exec(address);
  if (zk?.[1] && zk[2]) return { kind: 'zk', connectString: zk[1], path: zk[2].replace(/\/+$/, '') || '/' };
  const hp = /^([^:/]+):(\d+)$/.exec(address);
  if (hp?.[1] && hp[2]) return { kind: 'hostport', host: hp[1], port: Number(hp[2]) };
  throw new Error(`Invalid -mesos_master_address ${address}: expected zk://host:port/path or host:port`);
}

export const isMasterInfoNode = (name: string): boolean => name.startsWith('json.info_');

/** Polls until a master is present, then calls `onMaster` once; returns a stop function. */
export function watchForMaster(address: MasterAddress, onMaster: () => void, pollMs = 500): () => void {
  let stopped = false;
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const found = (): void => {
    if (stopped) return;
    stop();
    onMaster();
  };
  const poll = (): void => {
    if (stopped) return;
    const next = (): void => void (timer = setTimeout(poll, pollMs));
    if (address.kind === 'hostport') {
      const sock = net.connect(address.port, address.host);
      sock.setTimeout(pollMs, () => sock.destroy());
      sock.once('connect', () => (sock.destroy(), found()));
      sock.once('error', next);
      sock.once('timeout', next);
      return;
    }
    client?.getChildren(address.path, null, (err, children) => {
      if (!err && children.some(isMasterInfoNode)) found();
      else next();
    });
  };
  if (address.kind === 'zk') {
    client = zookeeper.createClient(address.connectString, {
      sessionTimeout: 10_000,
      spinDelay: 500,
      retries: 0,
    });
    client.once('connected', poll);
    client.connect();
  } else {
    poll();
  }
  function stop(): void {
    stopped = true;
    clearTimeout(timer);
    client?.close();
  }
  return stop;
}
