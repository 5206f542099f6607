// Renders the CRDs as YAML and writes them to crds/ and charts/aurora-operator/crds/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildCrdFiles } from './aurora-crds.ts';
import type { CustomResourceDefinition } from './custom-resource-definition.ts';

export const CRD_DIRS = ['crds', 'charts/aurora-operator/crds'] as const;

const HEADER = '# Generated from src/api by `aurora-operator crds --write`; do not edit by hand.\n';

export function renderCrdYaml(crd: CustomResourceDefinition): string {
  return HEADER + stringify(crd, { lineWidth: 0 });
}

/** renderCrdFiles maps each repository-relative path to the content the generator produces now. */
export function renderCrdFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const { fileName, crd } of buildCrdFiles()) {
    for (const dir of CRD_DIRS) files.set(join(dir, fileName), renderCrdYaml(crd));
  }
  return files;
}

/** writeCrds writes every CRD file under root and returns the paths written. */
export async function writeCrds(root: string): Promise<string[]> {
  const written: string[] = [];
  for (const [path, content] of renderCrdFiles()) {
    const target = join(root, path);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, content);
    written.push(path);
  }
  return written;
}
