// `npm run env:down`: stops every process of the local environment and keeps its state for inspection.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR } from './env-up.ts';
import { readLocalEnvState, stopLocalEnv } from './local-env.ts';

const state = readLocalEnvState(DEFAULT_STATE_DIR);
if (!state) {
  process.stdout.write('No local environment is recorded in .local-env; nothing to stop.\n');
} else {
  await stopLocalEnv(state);
  rmSync(join(DEFAULT_STATE_DIR, 'state.json'), { force: true });
  process.stdout.write(
    'The local environment is stopped (its files stay in .local-env; delete it for a clean start).\n',
  );
}
