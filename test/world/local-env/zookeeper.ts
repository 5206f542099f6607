// Starts a throwaway real ZooKeeper (Debian package) on 127.0.0.1 and seeds the Mesos master entry.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { isAlive, startDaemon } from './processes.ts';

const ZK_JAR_DIR = '/usr/share/java';
const ZK_CONF_DIR = '/etc/zookeeper/conf';
const SETPRIV = '/usr/bin/setpriv';

export interface ZooKeeperServer {
  connectString: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartZooKeeperOptions {
  /** Fixed client port; default: a free one. */
  port?: number;
  /** How long to wait for `ruok` to answer `imok`. */
  startTimeoutMs?: number;
}

/** buildZooConfig is the standalone server configuration: one loopback address, no admin server, ruok allowed. */
export function buildZooConfig(dataDir: string, host: string, port: number): string {
  return [
    'tickTime=500',
    'minSessionTimeout=1000',
    'maxSessionTimeout=60000',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    `clientPortAddress=${host}`,
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr',
    'maxClientCnxns=0',
  ]
    .join('\n')
    .concat('\n');
}

function zooKeeperJavaArgs(dir: string): string[] {
  return [
    '-Xmx256m',
    `-Dzookeeper.log.dir=${dir}`,
    '-cp',
    `${ZK_CONF_DIR}:${ZK_JAR_DIR}/*`,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    join(dir, 'zoo.cfg'),
  ];
}

function assertInstalled(): void {
  if (!existsSync(join(ZK_JAR_DIR, 'zookeeper.jar'))) {
    throw new Error(
      'ZooKeeper is not installed (no /usr/share/java/zookeeper.jar): run `bash scripts/install-deps.sh`',
    );
  }
}

export interface ZooKeeperDaemonOptions {
  host: string;
  port?: number;
  dataDir: string;
  logFile: string;
  startTimeoutMs?: number;
}

/** startZooKeeperDaemon runs ZooKeeper detached (for `env:up`), so it outlives the starting process. */
export async function startZooKeeperDaemon(
  opts: ZooKeeperDaemonOptions,
): Promise<{ pid: number; connectString: string }> {
  assertInstalled();
  const port = opts.port ?? (await freePort(opts.host));
  await mkdir(opts.dataDir, { recursive: true });
  await writeFile(join(opts.dataDir, 'zoo.cfg'), buildZooConfig(join(opts.dataDir, 'data'), opts.host, port));
  const pid = startDaemon({
    name: 'zookeeper',
    command: 'java',
    args: zooKeeperJavaArgs(opts.dataDir),
    logFile: opts.logFile,
  });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while ((await fourLetterWord(port, 'ruok', opts.host)) !== 'imok') {
    if (Date.now() > deadline || !isAlive(pid)) {
      throw new Error(`ZooKeeper on ${opts.host}:${port} did not start; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pid, connectString: `${opts.host}:${port}` };
}

export async function startZooKeeper(opts: StartZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  assertInstalled();
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'aurora-zk-'));
  await writeFile(join(dir, 'zoo.cfg'), buildZooConfig(join(dir, 'data'), '127.0.0.1', port));
  // setpriv --pdeathsig kills the JVM if this Node process dies without calling stop().
  const java = ['java', ...zooKeeperJavaArgs(dir)];
  const argv = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGKILL', ...java] : java;
  const child = spawn(argv[0] ?? 'java', argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const stop = async (): Promise<void> => {
    await killAndWait(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForImok(port, child, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return { connectString: `127.0.0.1:${port}`, port, stop };
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function fourLetterWord(port: number, word: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, host);
    let out = '';
    sock.setTimeout(1000, () => sock.destroy());
    sock.on('connect', () => sock.write(word));
    sock.on('data', (d) => (out += d.toString()));
    sock.on('close', () => resolve(out));
    sock.on('error', () => resolve(''));
  });
}

async function waitForImok(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ZooKeeper exited with code ${child.exitCode}`);
    if ((await fourLetterWord(port, 'ruok')) === 'imok') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ZooKeeper on 127.0.0.1:${port} did not answer imok within ${timeoutMs}ms`);
}

/** Mesos MasterInfo as the master publishes it (JSON, `json.info_` prefix) so schedulers can register. */
export function mesosMasterInfo(host = '127.0.0.1', port = 5050): Record<string, unknown> {
  return {
    address: { hostname: 'localhost', ip: host, port },
    hostname: 'localhost',
    id: 'aurora-operator-local-master',
    ip: 0x0100007f,
    pid: `master@${host}:${port}`,
    port,
    version: '1.9.0',
  };
}

export async function ensureMesosMaster(connectString: string, path = '/mesos'): Promise<void> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 3 });
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cannot connect to ZooKeeper ${connectString}`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  client.connect();
  try {
    await connected;
    const node = `${path}/json.info_0000000000`;
    const data = Buffer.from(JSON.stringify(mesosMasterInfo()));
    await new Promise<void>((resolve, reject) =>
      client.mkdirp(path, (err) => (err ? reject(err) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      client.create(node, data, zookeeper.CreateMode.PERSISTENT, (err) => {
        if (err && err.getCode() !== zookeeper.Exception.NODE_EXISTS) reject(err);
        else resolve();
      }),
    );
  } finally {
    client.close();
  }
}
