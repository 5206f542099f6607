// Builds an apiextensions.k8s.io/v1 CustomResourceDefinition from zod spec and status schemas.
import type { z } from 'zod';
import { GROUP, VERSION, type KindNames } from '../api/group.ts';
import { toStructuralSchema, type JsonSchema } from './structural-schema.ts';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[] };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

export interface CrdSource {
  readonly names: KindNames;
  readonly description: string;
  readonly spec: z.ZodType;
  readonly status: z.ZodType;
  readonly printerColumns: readonly PrinterColumn[];
}

/** buildCustomResourceDefinition is pure: the same schemas always give the same CRD. */
export function buildCustomResourceDefinition(source: CrdSource): CustomResourceDefinition {
  const { names } = source;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'aurora-operator', 'app.kubernetes.io/part-of': 'aurora-operator' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...source.printerColumns],
          schema: { openAPIV3Schema: rootSchema(source) },
        },
      ],
    },
  };
}

function rootSchema(source: CrdSource): JsonSchema {
  return {
    description: source.description,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion of this object.' },
      kind: { type: 'string', description: 'Kind of this object.' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(source.spec),
      status: toStructuralSchema(source.status),
    },
  };
}
