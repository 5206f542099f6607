// Runs the real log-init script with sh on layout v1 backups volumes: the move into layout v2, its re-runs,
// stops at every single move, clashes, and a restore in progress across the upgrade.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logInitSandbox, type LogInitSandbox } from './log-init-run-fixture.ts';

const B1 = 'scheduler-backup-2024-01-31-22-00';
const B2 = 'scheduler-backup-2024-01-31-23-00';
const NO_RESTORE = {};

/** tree lists every entry under root: directories end in `/`, files show their content. */
function tree(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    if (lstatSync(join(root, path)).isDirectory()) out.push(`${path}/`, ...tree(root, path));
    else out.push(`${path}: ${readFileSync(join(root, path), 'utf8')}`);
  }
  return out;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** a volume as layout v1 left it: backups and the operator's state at the root, plus entries that are not ours */
function layoutV1(box: LogInitSandbox): void {
  const { volume, legacy } = box.paths;
  write(join(volume, B1), 'first backup');
  write(join(volume, B2), 'second backup');
  utimesSync(join(volume, B1), new Date('2024-01-31T22:00:07Z'), new Date('2024-01-31T22:00:07Z'));
  mkdirSync(join(volume, 'lost+found'));
  write(join(volume, 'notes.txt'), 'not ours');
  write(join(legacy, 'r0.wipe.done'), '');
  write(join(legacy, 'r0.wipe-and-recover.done'), '');
  write(join(legacy, 'pre-restore-r0', 'replica.json'), 'log before r0');
  write(join(legacy, 'pre-restore-r0', '.hidden'), 'dot file');
  write(join(legacy, 'incoming', `${B2}.1a2b3c4d`), 'half an upload');
}

const LAYOUT_V2 = [
  'aurora-operator/',
  'aurora-operator/incoming/',
  `aurora-operator/incoming/${B2}.1a2b3c4d: half an upload`,
  'aurora-operator/pre-restore-r0/',
  'aurora-operator/pre-restore-r0/.hidden: dot file',
  'aurora-operator/pre-restore-r0/replica.json: log before r0',
  'aurora-operator/r0.wipe-and-recover.done: ',
  'aurora-operator/r0.wipe.done: ',
  'lost+found/',
  'notes.txt: not ours',
  'scheduler-backups/',
  `scheduler-backups/${B1}: first backup`,
  `scheduler-backups/${B2}: second backup`,
];

/** the files of a tree, wherever they are: a stop between moves may leave them in either layout, never lose one */
function fileContents(root: string): string[] {
  return tree(root)
    .filter((e) => !e.endsWith('/'))
    .map((e) => e.replace(/^.*\//, ''))
    .sort();
}

test('a layout v1 volume moves into v2: backups, markers, moved-aside logs, uploads; nothing else moves', () => {
  const box = logInitSandbox();
  layoutV1(box);
  const first = box.run('example-0', NO_RESTORE);
  assert.is(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, 'layout: moving the backups volume to layout v2');
  assert.equal(tree(box.paths.volume), LAYOUT_V2);
  assert.is(
    statSync(join(box.paths.backups, B1)).mtime.toISOString(),
    '2024-01-31T22:00:07.000Z',
    'a backup keeps its write time, which tells copies of one minute apart',
  );
  const second = box.run('example-0', NO_RESTORE);
  assert.is(second.status, 0, second.stdout + second.stderr);
  assert.not.match(second.stdout, 'layout:', 'a migrated volume is left alone');
  assert.equal(tree(box.paths.volume), LAYOUT_V2);
});

test('a new volume gets the two directories and no migration', () => {
  const box = logInitSandbox();
  const r = box.run('example-0', NO_RESTORE);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.not.match(r.stdout, 'layout:');
  assert.equal(tree(box.paths.volume), ['aurora-operator/', 'scheduler-backups/']);
});

/** failingMv: an `mv` that refuses the n-th call, as if the pod died right before that rename */
function failingMv(n: number): Record<string, string> {
  const bin = mkdtempSync(join(tmpdir(), 'failing-mv-'));
  const real = spawnSync('sh', ['-c', 'command -v mv'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    join(bin, 'mv'),
    `#!/bin/sh\nn=$(($(cat "${bin}/count" 2>/dev/null || echo 0) + 1))\necho $n > "${bin}/count"\n` +
      `[ "$n" -eq ${n} ] && exit 1\nexec "${real}" "$@"\n`,
  );
  chmodSync(join(bin, 'mv'), 0o755);
  return { PATH: `${bin}:${process.env['PATH'] ?? ''}`, MV_COUNT: join(bin, 'count') };
}

test('stopped before any one of its moves, the migration loses no file and a re-run completes it', () => {
  const reference = logInitSandbox();
  layoutV1(reference);
  const counting = failingMv(0);
  assert.is(reference.run('example-0', NO_RESTORE, counting).status, 0);
  const moves = Number(readFileSync(counting['MV_COUNT'] ?? '', 'utf8'));
  assert.ok(moves >= 5, `the migration made ${moves} moves`);
  const files = fileContents(reference.paths.volume);
  for (let n = 1; n <= moves; n++) {
    const box = logInitSandbox();
    layoutV1(box);
    const stopped = box.run('example-0', NO_RESTORE, failingMv(n));
    assert.is(stopped.status, 1, `stopped at move ${n}: log-init fails instead of going on`);
    assert.match(stopped.stdout, 'layout: cannot move');
    assert.equal(fileContents(box.paths.volume), files, `stopped at move ${n}: every file is still there`);
    const resumed = box.run('example-0', NO_RESTORE);
    assert.is(resumed.status, 0, resumed.stdout + resumed.stderr);
    assert.equal(tree(box.paths.volume), LAYOUT_V2, `stopped at move ${n}, then re-run`);
  }
});

test('entries in both layouts: directories merge, a doubled empty marker is dropped, a clash is kept and reported', () => {
  const box = logInitSandbox();
  const { volume, legacy, ops, backups } = box.paths;
  write(join(volume, B1), 'v1 copy');
  write(join(backups, B1), 'v2 copy');
  write(join(legacy, 'pre-restore-r0', 'a'), 'A');
  write(join(legacy, 'pre-restore-r0', '.a'), 'dot A');
  write(join(ops, 'pre-restore-r0', 'b'), 'B');
  write(join(legacy, 'r0.wipe.done'), '');
  write(join(ops, 'r0.wipe.done'), '');
  mkdirSync(join(legacy, 'incoming'));
  mkdirSync(join(ops, 'incoming'));
  write(join(legacy, 'notes'), 'old');
  write(join(ops, 'notes'), 'new');
  const r = box.run('example-0', NO_RESTORE);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, `kept ${join(volume, B1)} because ${join(backups, B1)} exists already`);
  assert.match(r.stdout, `kept ${join(legacy, 'notes')} because`);
  assert.match(r.stdout, `${legacy} is not empty; left in place`);
  assert.equal(tree(volume), [
    '.aurora-operator/',
    '.aurora-operator/notes: old',
    'aurora-operator/',
    'aurora-operator/incoming/',
    'aurora-operator/notes: new',
    'aurora-operator/pre-restore-r0/',
    'aurora-operator/pre-restore-r0/.a: dot A',
    'aurora-operator/pre-restore-r0/a: A',
    'aurora-operator/pre-restore-r0/b: B',
    'aurora-operator/r0.wipe.done: ',
    `scheduler-backup-2024-01-31-22-00: v1 copy`,
    'scheduler-backups/',
    `scheduler-backups/${B1}: v2 copy`,
  ]);
});

const WIPE = { restoreId: 'r1', action: 'wipe', backupId: B2, recoverOrdinal: '-1' };

test('a restore in progress across the upgrade: the v1 wipe marker holds, rollback finds the v1 moved-aside log', () => {
  const box = logInitSandbox();
  write(join(box.paths.legacy, 'r1.wipe.done'), '');
  write(join(box.paths.legacy, 'pre-restore-r1', 'replica.json'), 'original');
  writeFileSync(join(box.paths.log, 'replica.json'), 'staged by the restore');
  const wipe = box.run('example-1', WIPE);
  assert.is(wipe.status, 0, wipe.stdout + wipe.stderr);
  assert.match(wipe.stdout, 'restore r1: wipe already done on this replica');
  assert.is(box.calls(), '', 'the log is not wiped a second time');
  assert.is(readFileSync(join(box.paths.log, 'replica.json'), 'utf8'), 'staged by the restore');
  const rollback = box.run('example-1', { ...WIPE, action: 'rollback' });
  assert.is(rollback.status, 0, rollback.stdout + rollback.stderr);
  assert.is(readFileSync(join(box.paths.log, 'replica.json'), 'utf8'), 'original');
  assert.equal(readdirSync(box.paths.ops).sort(), ['r1.rollback.done', 'r1.wipe.done']);
});

test('without the layout env vars log-init fails before touching anything', () => {
  for (const missing of ['BACKUP_VOLUME', 'BACKUP_DIR', 'OPERATOR_DIR']) {
    const box = logInitSandbox();
    layoutV1(box);
    const before = tree(box.paths.volume);
    const r = box.run('example-0', WIPE, { [missing]: '' });
    assert.is(r.status, 1, missing);
    assert.match(r.stdout, 'BACKUP_VOLUME, BACKUP_DIR and OPERATOR_DIR must be set');
    assert.equal(tree(box.paths.volume), before, missing);
    assert.is(box.calls(), '', missing);
  }
});

test.run();
