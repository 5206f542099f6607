// The scripted world most executor tests start from: the example cluster whose log holds one old task, and a
// backup of one other task on ordinal 2 that a fresh AuroraRestore names.
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

export function stagedWorld(): RestoreWorld {
  return new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore(),
    tasks: ['old-prod-web-0'],
    backup: {
      id: BACKUP,
      tasks: ['www-prod-web-0'],
      ordinal: 2,
      takenAt: '2024-01-31T23:00:10.000Z',
      size: 1,
    },
  });
}
