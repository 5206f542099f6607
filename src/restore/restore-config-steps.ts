// The restore ConfigMap that tells each pod's log-init what to do, removed once the restore no longer needs it.
import { restoreConfigMapName } from '../resources/names.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { ourConfig } from './world.ts';

export const removeRestoreConfig: RestoreStep = {
  name: 'RemoveRestoreConfig',
  done: (s) => ourConfig(s) === undefined,
  decide: (s) => ({
    kind: 'kube',
    ops: [
      {
        op: 'delete',
        ref: clusterObjectRef(clusterOf(s), 'v1', 'ConfigMap', restoreConfigMapName(clusterOf(s))),
      },
    ],
    message: 'restore ConfigMap removed',
  }),
};
