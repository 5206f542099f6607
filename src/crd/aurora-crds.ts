// The two CRDs of the operator, generated from the zod schemas in src/api.
import { AuroraClusterSpec, AuroraClusterStatus } from '../api/aurora-cluster.ts';
import { AuroraRestoreSpec, AuroraRestoreStatus } from '../api/aurora-restore.ts';
import { AURORA_CLUSTER, AURORA_RESTORE, GROUP } from '../api/group.ts';
import {
  buildCustomResourceDefinition,
  type CustomResourceDefinition,
} from './custom-resource-definition.ts';

const AGE = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' } as const;

export function buildAuroraClusterCrd(): CustomResourceDefinition {
  return buildCustomResourceDefinition({
    names: AURORA_CLUSTER,
    description:
      'AuroraCluster runs a quorum of Apache Aurora schedulers with their replicated log and backups.',
    spec: AuroraClusterSpec,
    status: AuroraClusterStatus,
    printerColumns: [
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
      { name: 'Leader', type: 'string', jsonPath: '.status.leader' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      AGE,
    ],
  });
}

export function buildAuroraRestoreCrd(): CustomResourceDefinition {
  return buildCustomResourceDefinition({
    names: AURORA_RESTORE,
    description: 'AuroraRestore restores an AuroraCluster from one of its scheduler backups.',
    spec: AuroraRestoreSpec,
    status: AuroraRestoreStatus,
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.cluster' },
      { name: 'Backup', type: 'string', jsonPath: '.spec.backupId' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Step', type: 'string', jsonPath: '.status.step' },
      AGE,
    ],
  });
}

export interface CrdFile {
  readonly fileName: string;
  readonly crd: CustomResourceDefinition;
}

/** buildCrdFiles lists each CRD with the file name it is committed under (crds/ and the chart's crds/). */
export function buildCrdFiles(): CrdFile[] {
  return [buildAuroraClusterCrd(), buildAuroraRestoreCrd()].map((crd) => ({
    fileName: `${GROUP}_${crd.spec.names.plural}.yaml`,
    crd,
  }));
}
