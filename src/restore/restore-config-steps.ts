// The restore ConfigMap that tells each pod's log-init what to do, removed once the restore no longer needs it.
import { restoreConfigMapName } from '../resources/names.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { ourConfig } from './world.ts';

export const removeRestoreConfig: RestoreStep = {
  name: 'RemoveRestoreConfig',
  done: (s) => ourConfig(s) === undefined,
  async run(ctx) {
    await ctx.fx.kube.delete(
      clusterObjectRef(clusterOf(ctx), 'v1', 'ConfigMap', restoreConfigMapName(clusterOf(ctx))),
    );
    return { message: 'restore ConfigMap removed' };
  },
};
