import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostArgv, hostEnv, hostPath, mountsOf } from '../../../world/local-env/fleet-host/path-map.ts';

const mounts = mountsOf([
  '--bind',
  '/state/pvc/log',
  '/var/lib/aurora',
  '--ro-bind',
  '/state/cm/flags',
  '/etc/aurora-operator',
  '--ro-bind',
  '/state/secret/zk',
  '/etc/aurora-operator/zk-digest',
]);

test('bind arguments become [container path, host path] pairs', () => {
  assert.equal(mounts, [
    ['/var/lib/aurora', '/state/pvc/log'],
    ['/etc/aurora-operator', '/state/cm/flags'],
    ['/etc/aurora-operator/zk-digest', '/state/secret/zk'],
  ]);
});

test('the deepest mount wins and a path that only shares a prefix is left alone', () => {
  assert.is(hostPath(mounts, '/etc/aurora-operator/zk-digest/credentials'), '/state/secret/zk/credentials');
  assert.is(hostPath(mounts, '/etc/aurora-operator/flags'), '/state/cm/flags/flags');
  assert.is(hostPath(mounts, '/var/lib/aurora'), '/state/pvc/log');
  assert.is(hostPath(mounts, '/var/lib/aurora-other/x'), '/var/lib/aurora-other/x');
  assert.is(hostPath(mounts, '/usr/bin/java'), '/usr/bin/java');
});

test('flag values, argument files and bare paths are rewritten; other arguments are not', () => {
  assert.equal(
    hostArgv(mounts, [
      'aurora-scheduler',
      '-native_log_file_path=/var/lib/aurora/scheduler/db',
      '@/etc/aurora-operator/zk-digest/credentials',
      '--path',
      '/var/lib/aurora/db',
      '-zk_endpoints=127.0.3.1:2181',
      '-serverset_path=/aurora/scheduler',
    ]),
    [
      'aurora-scheduler',
      '-native_log_file_path=/state/pvc/log/scheduler/db',
      '@/state/secret/zk/credentials',
      '--path',
      '/state/pvc/log/db',
      '-zk_endpoints=127.0.3.1:2181',
      '-serverset_path=/aurora/scheduler',
    ],
  );
});

test('environment values that are paths under a mount are rewritten', () => {
  assert.equal(hostEnv(mounts, { BACKUP_DIR: '/var/lib/aurora/backups', PATH: '/usr/bin:/bin', X: 'a' }), {
    BACKUP_DIR: '/state/pvc/log/backups',
    PATH: '/usr/bin:/bin',
    X: 'a',
  });
});

test.run();
