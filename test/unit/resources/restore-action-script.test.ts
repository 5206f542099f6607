// Runs the real restore actions of the log-init script with sh against temporary directories and fake tools.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logInitSandbox as setup } from './log-init-run-fixture.ts';

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
  assert.is(readFileSync(join(paths.ops, 'pre-restore-r1', 'replica.json'), 'utf8'), 'original');
  assert.ok(readdirSync(paths.ops).includes('r1.wipe.done'));
  const second = run('example-1', WIPE);
  assert.match(second.stdout, 'already done');
  assert.is(calls().match(/init/g)?.length, 1, 'mesos-log ran once');
});

test('wipe-and-recover runs recovery-tool only on the chosen ordinal', () => {
  const a = setup();
  a.run('example-0', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' });
  assert.match(a.calls(), `-from BACKUP -to LOG -backup=${a.paths.backups}/${WIPE.backupId} `);
  assert.match(a.calls(), '-zk_endpoints=127.0.0.1:2181');
  const b = setup();
  b.run('example-1', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' });
  assert.not.match(b.calls(), 'recovery-tool');
  assert.not.match(b.calls(), '-from BACKUP');
});

test("recovery-tool gets the schedulers' ZooKeeper credentials file and JVM options when they are set", () => {
  const a = setup();
  const env = { ZK_DIGEST_FILE: '/etc/aurora-operator/zk-digest/credentials', JAVA_OPTS: '-Xmx1g' };
  const r = a.run('example-0', { ...WIPE, action: 'wipe-and-recover', recoverOrdinal: '0' }, env);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(a.calls(), '-zk_digest_credentials @/etc/aurora-operator/zk-digest/credentials');
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
  assert.not.ok(existsSync(join(paths.ops, 'pre-restore-r1')));
  assert.ok(readdirSync(paths.ops).includes('r1.rollback.done'));
});

test('without a restore ConfigMap the script only runs the first-creation guard', () => {
  const { run, calls } = setup();
  const r = run('example-0', {});
  assert.match(r.stdout, 'guard=allowed');
  assert.is(calls(), '');
});

test.run();
