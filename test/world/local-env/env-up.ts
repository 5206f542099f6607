// `npm run env:up`: starts the local environment and leaves it running; `npm run env:down` stops it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createLogger } from '../../../src/log.ts';
import { readLocalEnvState, REPO_ROOT, startLocalEnv, type LocalEnvState } from './local-env.ts';
import { isAlive } from './processes.ts';

export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local-env');
// The example cluster names this ZooKeeper address, a loopback address of its own so port 2181 is free.
export const DEMO_ZOOKEEPER_HOST = '127.0.3.1';
export const DEMO_ZOOKEEPER_PORT = 2181;

export async function envUp(stateDir = DEFAULT_STATE_DIR): Promise<LocalEnvState> {
  const log = createLogger('env');
  const running = readLocalEnvState(stateDir);
  if (running && Object.values(running.pids).every(isAlive)) {
    log.info({ kubeconfig: running.kubeconfigPath }, 'The local environment is already running');
    return running;
  }
  if (running)
    throw new Error(`a previous environment in ${stateDir} is partly down: run "npm run env:down" first`);
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'install-deps.sh')], { stdio: 'inherit' });
  const state = await startLocalEnv({
    stateDir,
    zookeeperHost: DEMO_ZOOKEEPER_HOST,
    zookeeperPort: DEMO_ZOOKEEPER_PORT,
    installOperator: true,
    objectStore: true,
    log,
  });
  process.stdout.write(
    [
      '',
      'The local environment is up:',
      `  Kubernetes API   ${state.server}`,
      `  ZooKeeper        ${state.zookeeper} (Mesos master entry at /mesos)`,
      ...(state.objectStore
        ? [
            `  object store     ${state.objectStore.endpoint} bucket ${state.objectStore.bucket} (keys in ${join(stateDir, 'state.json')})`,
          ]
        : []),
      `  kubectl          export KUBECONFIG=${state.kubeconfigPath}; export PATH=${state.binDir}:$PATH`,
      `  logs             ${join(stateDir, 'logs')} and ${join(stateDir, 'pods', 'logs')}`,
      '  stop it with     npm run env:down',
      '',
    ].join('\n'),
  );
  return state;
}

if (import.meta.main) {
  await envUp().catch((err: unknown) => {
    process.stderr.write(`env:up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
