// API group, version and kind names shared by the schemas, the CRDs and the builders.
export const GROUP = 'aurora-operator.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface KindNames {
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}

export const AURORA_CLUSTER: KindNames = {
  kind: 'AuroraCluster',
  listKind: 'AuroraClusterList',
  plural: 'auroraclusters',
  singular: 'auroracluster',
  shortNames: ['ac', 'aurora'],
};

export const AURORA_RESTORE: KindNames = {
  kind: 'AuroraRestore',
  listKind: 'AuroraRestoreList',
  plural: 'aurorarestores',
  singular: 'aurorarestore',
  shortNames: ['ar'],
};
