// A real fleet host process and the pod runtime's client: hosted programs run in the host, see their volumes
// through rewritten paths, stop on SIGTERM, and report their exit codes; other containers go to the fallback.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findFreePort } from '../../../world/local-env/free-port.ts';
import type {
  ContainerHandle,
  ContainerSpawnSpec,
} from '../../../world/local-env/pod-runtime/container-process.ts';
import { FleetClient, type ContainerLauncher } from '../../../world/local-env/pod-runtime/fleet-client.ts';

const HOST_MAIN = path.resolve(import.meta.dirname, '../../../world/local-env/fleet-host/main.ts');
const AGENT_IP = '127.0.77.9';

interface Ctx {
  dir: string;
  host?: ChildProcess;
  client?: FleetClient;
  launch?: ContainerLauncher;
  fallbackArgv: string[][];
}
const test = suite<Ctx>('fleet-host', { dir: '', fallbackArgv: [] });

test.before(async (ctx) => {
  ctx.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-host-'));
  const socket = path.join(ctx.dir, 'host.sock');
  ctx.host = spawn(process.execPath, [HOST_MAIN, `--socket=${socket}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await sleep(50);
  ctx.client = await FleetClient.connect(socket);
  ctx.launch = ctx.client.launcher((spec) => {
    ctx.fallbackArgv.push(spec.argv);
    throw new Error('not a hosted program');
  });
});

test.after((ctx) => {
  ctx.client?.close();
  ctx.host?.kill('SIGTERM');
  fs.rmSync(ctx.dir, { recursive: true, force: true });
});

function spec(
  ctx: Ctx,
  argv: string[],
  env: Record<string, string>,
  mountArgs: string[],
): ContainerSpawnSpec {
  return {
    argv,
    env,
    workingDir: '/',
    mountArgs,
    root: { rootfs: '/', layerDir: ctx.dir, readOnly: true, uid: 0, gid: 0, hostsFile: '/etc/hosts' },
    launcher: [],
    logFile: path.join(ctx.dir, 'logs', `${argv[0] ?? 'x'}.log`),
    pidFile: path.join(ctx.dir, 'run', 'x.pid'),
  };
}

function launch(ctx: Ctx, s: ContainerSpawnSpec): ContainerHandle {
  if (!ctx.launch) throw new Error('no fleet client');
  return ctx.launch(s);
}

test('a backup agent runs in the host and serves the volume bound at its container path', async (ctx) => {
  const volume = path.join(ctx.dir, 'backups-volume');
  fs.mkdirSync(volume);
  fs.writeFileSync(path.join(volume, 'scheduler-backup-2026-11-30-06-00'), 'x');
  const port = await findFreePort(AGENT_IP);
  const env = {
    AGENT_TOKEN: 'secret-token',
    BACKUP_DIR: '/var/lib/aurora/backups',
    OPERATOR_DIR: '/var/lib/aurora/backups/.operator',
    AGENT_LISTEN_HOST: AGENT_IP,
    AGENT_PORT: String(port),
  };
  const agent = launch(
    ctx,
    spec(ctx, ['aurora-operator', 'backup-agent'], env, ['--bind', volume, '/var/lib/aurora/backups']),
  );
  assert.is(agent.containerPid, undefined, 'no process of its own');
  let body: unknown;
  for (let i = 0; i < 100 && body === undefined; i++) {
    body = await fetch(`http://${AGENT_IP}:${port}/backups`, {
      headers: { authorization: 'Bearer secret-token' },
    })
      .then((r) => r.json())
      .catch(() => undefined);
    if (body === undefined) await sleep(50);
  }
  assert.equal(
    JSON.stringify(body).includes('scheduler-backup-2026-11-30-06-00'),
    true,
    JSON.stringify(body),
  );
  const exit = await agent.terminate(5000);
  assert.is(exit.exitCode, 0);
  const refused = await fetch(`http://${AGENT_IP}:${port}/healthz`).then(
    () => 'answered',
    () => 'refused',
  );
  assert.is(refused, 'refused', 'the stopped agent freed its port');
  assert.ok(
    fs
      .readFileSync(path.join(ctx.dir, 'logs', 'aurora-operator.log'), 'utf8')
      .includes('Backup agent listening'),
  );
});

test('a scheduler with a bad flag exits 1 with its usage in the container log', async (ctx) => {
  const s = spec(ctx, ['aurora-scheduler', '-no_such_flag=1'], {}, []);
  const exit = await launch(ctx, s).exited;
  assert.is(exit.exitCode, 1);
  assert.match(fs.readFileSync(s.logFile, 'utf8'), /no_such_flag/);
});

test('containers that are not hosted programs go to the fallback launcher', (ctx) => {
  assert.throws(() => launch(ctx, spec(ctx, ['sh', '-c', 'true'], {}, [])), /not a hosted program/);
  assert.equal(ctx.fallbackArgv, [['sh', '-c', 'true']]);
});

test.run();
