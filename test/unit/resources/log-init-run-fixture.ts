// A sandbox for the real log-init script: temporary log and backups volumes, fake mesos-log and recovery-tool.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_INIT_SCRIPT } from '../../../src/resources/log-init.ts';

export interface LogInitSandbox {
  dir: string;
  paths: {
    bin: string;
    log: string;
    /** the whole backups volume */
    volume: string;
    /** layout v2: Aurora's -backup_dir */
    backups: string;
    /** layout v2: the operator's state */
    ops: string;
    /** layout v1: the operator's state inside -backup_dir */
    legacy: string;
    restore: string;
  };
  run(pod: string, cfg: Record<string, string>, extraEnv?: Record<string, string>): SpawnSyncReturns<string>;
  /** calls of the fake tools, one line each */
  calls(): string;
}

export function logInitSandbox(): LogInitSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'log-init-run-'));
  const volume = join(dir, 'backups-volume');
  const paths = {
    bin: join(dir, 'bin'),
    log: join(dir, 'db'),
    volume,
    backups: join(volume, 'scheduler-backups'),
    ops: join(volume, 'aurora-operator'),
    legacy: join(volume, '.aurora-operator'),
    restore: join(dir, 'restore'),
  };
  for (const d of [paths.bin, paths.log, paths.volume, paths.restore]) mkdirSync(d);
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
        BACKUP_VOLUME: paths.volume,
        BACKUP_DIR: paths.backups,
        OPERATOR_DIR: paths.ops,
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
