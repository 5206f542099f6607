// Runs the real log-init script with sh against temporary directories and a fake mesos-log.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_INIT_GUARD_SCRIPT, LOG_INIT_SCRIPT } from '../../../src/resources/log-init.ts';

interface Run {
  code: number | null;
  out: string;
  initialized: boolean;
}

interface Setup {
  allowed?: string;
  logFiles?: string[];
  /** files in -backup_dir, the scheduler-backups directory of the volume */
  backupFiles?: string[];
  /** files at the root of the backups volume, where layout v1 kept the backups */
  rootFiles?: string[];
  script?: string;
}

function runScript(setup: Setup): Run {
  const dir = mkdtempSync(join(tmpdir(), 'log-init-'));
  try {
    const bin = join(dir, 'bin');
    const logDir = join(dir, 'db');
    const volume = join(dir, 'backups');
    const backupDir = join(volume, 'scheduler-backups');
    for (const d of [bin, logDir, volume, backupDir]) mkdirSync(d);
    writeFileSync(join(bin, 'mesos-log'), `#!/bin/sh\necho "$@" > "${join(dir, 'called')}"\n`);
    chmodSync(join(bin, 'mesos-log'), 0o755);
    if (setup.allowed !== undefined) writeFileSync(join(dir, 'allowed'), setup.allowed);
    for (const f of setup.logFiles ?? []) mkdirSync(join(logDir, f));
    for (const f of setup.backupFiles ?? []) writeFileSync(join(backupDir, f), '');
    for (const f of setup.rootFiles ?? []) writeFileSync(join(volume, f), '');
    const result = spawnSync('sh', ['-c', setup.script ?? LOG_INIT_SCRIPT], {
      env: {
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        ALLOWED_FILE: join(dir, 'allowed'),
        LOG_DIR: logDir,
        BACKUP_VOLUME: volume,
        BACKUP_DIR: backupDir,
        OPERATOR_DIR: join(volume, 'aurora-operator'),
      },
      encoding: 'utf8',
    });
    let called = '';
    try {
      called = readFileSync(join(dir, 'called'), 'utf8');
    } catch {
      called = '';
    }
    if (called) assert.is(called.trim(), `initialize --path=${logDir}`);
    return { code: result.status, out: result.stdout + result.stderr, initialized: called !== '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('initializes an empty log when allowed (lost+found does not count)', () => {
  const run = runScript({ allowed: 'true', logFiles: ['lost+found'] });
  assert.is(run.code, 0);
  assert.ok(run.initialized);
  assert.match(run.out, 'initializing the replicated log');
});

test('the allowed switch must say true', () => {
  for (const allowed of ['false', '', 'TRUE', undefined]) {
    const run = runScript(allowed === undefined ? {} : { allowed });
    assert.is(run.code, 0);
    assert.not.ok(run.initialized, String(allowed));
    assert.match(run.out, 'guard=allowed');
  }
});

test('a log directory with data is never initialized', () => {
  const run = runScript({ allowed: 'true', logFiles: ['lost+found', 'CURRENT'] });
  assert.is(run.code, 0);
  assert.not.ok(run.initialized);
  assert.match(run.out, 'guard=log-dir-not-empty');
});

test('existing backups stop initialization (a restore is needed instead)', () => {
  const run = runScript({ allowed: 'true', backupFiles: ['scheduler-backup-2024-01-31-23-00'] });
  assert.is(run.code, 0);
  assert.not.ok(run.initialized);
  assert.match(run.out, 'guard=backups-present');
  assert.ok(runScript({ allowed: 'true', backupFiles: ['notes.txt'] }).initialized);
});

test('backups at the volume root stop initialization too, migrated or not', () => {
  const B = 'scheduler-backup-2024-01-31-23-00';
  const migrated = runScript({ allowed: 'true', rootFiles: [B] });
  assert.is(migrated.code, 0);
  assert.not.ok(migrated.initialized);
  assert.match(migrated.out, 'guard=backups-present');
  // the guard alone, as after a migration that could not move the file
  const unmigrated = runScript({ allowed: 'true', rootFiles: [B], script: LOG_INIT_GUARD_SCRIPT });
  assert.is(unmigrated.code, 0);
  assert.not.ok(unmigrated.initialized);
  assert.match(unmigrated.out, /guard=backups-present: \S+\/backups holds/);
  assert.ok(
    runScript({ allowed: 'true', rootFiles: ['notes.txt'], script: LOG_INIT_GUARD_SCRIPT }).initialized,
  );
});

test.run();
