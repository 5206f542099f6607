// Runs the real log-init script with sh against temporary directories and a fake mesos-log.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_INIT_SCRIPT } from '../../../src/resources/log-init.ts';

interface Run {
  code: number | null;
  out: string;
  initialized: boolean;
}

function runScript(setup: { allowed?: string; logFiles?: string[]; backupFiles?: string[] }): Run {
  const dir = mkdtempSync(join(tmpdir(), 'log-init-'));
  try {
    const bin = join(dir, 'bin');
    const logDir = join(dir, 'db');
    const backupDir = join(dir, 'backups');
    for (const d of [bin, logDir, backupDir]) mkdirSync(d);
    writeFileSync(join(bin, 'mesos-log'), `#!/bin/sh\necho "$@" > "${join(dir, 'called')}"\n`);
    chmodSync(join(bin, 'mesos-log'), 0o755);
    if (setup.allowed !== undefined) writeFileSync(join(dir, 'allowed'), setup.allowed);
    for (const f of setup.logFiles ?? []) mkdirSync(join(logDir, f));
    for (const f of setup.backupFiles ?? []) writeFileSync(join(backupDir, f), '');
    const result = spawnSync('sh', ['-c', LOG_INIT_SCRIPT], {
      env: {
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        ALLOWED_FILE: join(dir, 'allowed'),
        LOG_DIR: logDir,
        BACKUP_DIR: backupDir,
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

test.run();
