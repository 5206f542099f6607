// Runs the real restore actions of the log-init script with sh against temporary directories and fake tools.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_INIT_SCRIPT } from '../../../src/resources/log-init.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'restore-action-'));
  const paths = {
    bin: join(dir, 'bin'),
    log: join(dir, 'db'),
    backups: join(dir, 'backups'),
    restore: join(dir, 'restore'),
  };
  for (const d of Object.values(paths)) mkdirSync(d);
  writeFileSync(
    join(paths.bin, 'mesos-log'),
    `#!/bin/sh\necho initialized > "$(echo "$2" | cut -d= -f2)/replica.json"\necho init >> "${dir}/calls"\n`,
  );
  writeFileSync(
    join(paths.bin, 'recovery-tool'),
    `#!/bin/sh\necho "$@" "JAVA_OPTS=$JAVA_OPTS" >> "${dir}/calls"\n`,
  );
  for (const f of ['mesos-log', 'recovery-tool']) chmodSync(join(paths.bin, f), 0o755);
  writeFileSync(join(paths.log, 'replica.json'), 'original');
  const run = (pod: string, cfg: Record<string, string>, extraEnv: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(cfg)) writeFileSync(join(paths.restore, k), v);
    return spawnSync('sh', ['-c', LOG_INIT_SCRIPT], {
      env: {
        PATH: `${paths.bin}:${process.env['PATH'] ?? ''}`,
        ALLOWED_FILE: join(dir, 'allowed'),
        LOG_DIR: paths.log,
        BACKUP_DIR: paths.backups,
        RESTORE_DIR: paths.restore,
        POD_NAME: pod,
        ZK_ENDPOINTS: '127.0.0.1:2181',
        LOG_ZK_GROUP_PATH: '/aurora/replicated-log',
        ...extraEnv,
      },
      encoding: 'utf8',
    });
  };
  const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '');
  return { dir, paths, run, calls };
}

const WIPE = {
  restoreId: 'r1',
  action: 'wipe',
  backupId: 'scheduler-backup-2024-01-31-23-00',
  recoverOrdinal: '-1',
};

test('wipe moves the log aside, initializes once, and a second run is a no-op', () => {
  const { paths, run, calls } = setup();
  const first = run('example-1', WIPE);
  assert.is(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, 'restore r1: wiped and initialized');
  assert.is(readFileSync(join(paths.log, 'replica.json'), 'utf8').trim(), 'initialized');
  assert.is(
    readFileSync(join(paths.backups, '.aurora-operator', 'pre-restore-r1', 'replica.json'), 'utf8'),
    'original',
  );
  assert.ok(readdirSync(join(paths.backups, '.aurora-operator')).includes('r1.wipe.done'));
  const second = run('example-1', WIPE);
  assert.match(second.stdout, 'already done');
  assert.is(calls().match(/init/g)?.length, 1, 'mesos-log ran once');
});

test('wipe-and-recover runs recovery-tool only on the chosen ordinal', () => {
  const a = setup();
  a.run('example-0', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' });
  assert.match(a.calls(), '-from BACKUP -to LOG -backup=');
  assert.match(a.calls(), '-zk_endpoints=127.0.0.1:2181');
  const b = setup();
  b.run('example-1', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' });
  assert.not.match(b.calls(), 'recovery-tool');
  assert.not.match(b.calls(), '-from BACKUP');
});

test("recovery-tool gets the schedulers' ZooKeeper credentials and JVM options when they are set", () => {
  const a = setup();
  const env = { ZK_DIGEST_CREDENTIALS: 'aurora:secret', JAVA_OPTS: '-Xmx1g' };
  const r = a.run('example-0', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' }, env);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(a.calls(), '-zk_digest_credentials=aurora:secret');
  assert.match(a.calls(), 'JAVA_OPTS=-Xmx1g');
  const b = setup();
  b.run('example-0', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' });
  assert.not.match(b.calls(), 'zk_digest_credentials');
});

test('rollback puts the pre-restore log back', () => {
  const { paths, run } = setup();
  run('example-2', WIPE);
  const r = run('example-2', { ...WIPE, action: 'rollback' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(readFileSync(join(paths.log, 'replica.json'), 'utf8'), 'original');
  assert.not.ok(existsSync(join(paths.backups, '.aurora-operator', 'pre-restore-r1')));
  assert.ok(readdirSync(join(paths.backups, '.aurora-operator')).includes('r1.rollback.done'));
});

test('without a restore ConfigMap the script only runs the first-creation guard', () => {
  const { run, calls } = setup();
  const r = run('example-0', {});
  assert.match(r.stdout, 'guard=allowed');
  assert.is(calls(), '');
});

test.run();
