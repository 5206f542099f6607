// Starts versitygw (an Apache-2.0 S3 gateway over a POSIX directory, built by scripts/build-objectstore.sh) on
// loopback in single-account mode with generated keys, and creates the environment's backup bucket.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../../src/objectstore/object-store-client.ts';
import { findFreePort } from './free-port.ts';
import { isAlive, startDaemon, stopDaemon } from './processes.ts';

export const VERSITYGW_VERSION = 'v1.8.0';
export const OBJECT_STORE_REGION = 'us-east-1';
const SETPRIV = '/usr/bin/setpriv';

export interface ObjectStoreServer {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** versitygw's POSIX root: `<rootDir>/<bucket>/<key>` is an object's bytes */
  rootDir: string;
  /** PEM of the CA that signed the gateway's certificate when it serves TLS */
  caBundle?: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartObjectStoreOptions {
  /** the environment's directory for the store: its POSIX root and log go below it */
  dir: string;
  host?: string;
  port?: number;
  bucket?: string;
  /** true (env:up): the gateway outlives this process and is stopped by pid; false: it dies with this process */
  detached?: boolean;
  repoRoot: string;
  /** serve HTTPS with this certificate (its SAN must include the host) */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

export function versitygwBinary(): string {
  const cache = process.env['AURORA_OPERATOR_CACHE'] ?? join(homedir(), '.cache', 'aurora-operator');
  return join(cache, 'bin', `versitygw-${VERSITYGW_VERSION}`, 'versitygw');
}

/** ensureVersitygw builds the gateway on first use (about 2 minutes cold) and returns its path. */
export function ensureVersitygw(repoRoot: string): string {
  const binary = versitygwBinary();
  if (existsSync(binary)) return binary;
  execFileSync('bash', [join(repoRoot, 'scripts', 'build-objectstore.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VERSITYGW_VERSION },
  });
  return binary;
}

function spawnAttached(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): ChildProcess {
  // setpriv --pdeathsig stops the gateway if this Node process dies without calling stop()
  const argv = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGKILL', binary, ...args] : [binary, ...args];
  const fd = openSync(logFile, 'a');
  try {
    return spawn(argv[0] ?? binary, argv.slice(1), { stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
}

async function ensureBucket(settings: ObjectStoreSettings, pid: number, logFile: string): Promise<void> {
  const client = createObjectStoreClient(settings, { maxAttempts: 1, connectionTimeoutMs: 1000 });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
        return;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) await client.send(new CreateBucketCommand({ Bucket: settings.bucket }));
        else if (!isAlive(pid) || Date.now() > deadline)
          throw new Error(`versitygw on ${settings.endpoint} did not start; see ${logFile}`, { cause: err });
        else await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startObjectStore(opts: StartObjectStoreOptions): Promise<ObjectStoreServer> {
  const binary = ensureVersitygw(opts.repoRoot);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await findFreePort(host));
  const rootDir = join(opts.dir, 'posix');
  const logFile = join(opts.dir, 'versitygw.log');
  await mkdir(rootDir, { recursive: true });
  const accessKeyId = `AOP${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64url');
  // the keys go by environment, not argv, so `ps` does not show the secret
  const env = { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey };
  const tls = opts.tls === undefined ? [] : ['--cert', opts.tls.certFile, '--key', opts.tls.keyFile];
  const args = [
    '--port',
    `${host}:${port}`,
    '--region',
    OBJECT_STORE_REGION,
    ...tls,
    '--quiet',
    'posix',
    rootDir,
  ];
  const child = opts.detached ? undefined : spawnAttached(binary, args, env, logFile);
  const pid = child?.pid ?? startDaemon({ name: 'versitygw', command: binary, args, logFile, env });
  if (pid === undefined) throw new Error(`could not start ${binary}`);
  const stop = (): Promise<void> => stopDaemon(pid, 5000);
  const server: ObjectStoreServer = {
    endpoint: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    bucket: opts.bucket ?? 'aurora-backups',
    region: OBJECT_STORE_REGION,
    accessKeyId,
    secretAccessKey,
    rootDir,
    ...(opts.tls === undefined ? {} : { caBundle: await readFile(opts.tls.caFile, 'utf8') }),
    pid,
    stop,
  };
  try {
    await ensureBucket(objectStoreSettings(server, ''), pid, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  return server;
}

/** objectStoreSettings: the settings a client of this local store uses, for backups under `prefix`. */
export function objectStoreSettings(server: ObjectStoreServer, prefix: string): ObjectStoreSettings {
  return {
    endpoint: server.endpoint,
    bucket: server.bucket,
    prefix,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...(server.caBundle === undefined ? {} : { caBundle: server.caBundle }),
  };
}
