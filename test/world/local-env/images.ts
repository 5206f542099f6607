// Maps container images to local programs: each known image is a directory of wrapper scripts put first on PATH.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/..');

export interface LocalImage {
  /** Short name of the local image ("aurora-scheduler", "aurora-operator", "shell"). */
  name: string;
  /** Directory to put first on the container's PATH, or undefined when the system PATH is enough. */
  binDir: string | undefined;
  /** Stable identifier reported as the container status imageID. */
  imageID: string;
  /** Default entrypoint when a container sets no command. */
  entrypoint: string[];
  /** Host paths the image's programs run from (wrappers, node, the repository). */
  runtimePaths: string[];
}

export class UnknownImageError extends Error {
  override readonly name = 'UnknownImageError';
}

interface ImageDefinition {
  name: string;
  /** command name → repository-relative TypeScript entry point */
  programs: Record<string, string>;
  entrypoint: string[];
}

const definitions: ImageDefinition[] = [
  {
    name: 'aurora-scheduler',
    programs: {
      'aurora-scheduler': 'test/world/simulator/scheduler-main.ts',
      'mesos-log': 'test/world/simulator/mesos-log-main.ts',
      'recovery-tool': 'test/world/simulator/recovery-tool-main.ts',
    },
    entrypoint: ['aurora-scheduler'],
  },
  {
    name: 'aurora-operator',
    // aurora-operator-test adds the restore fault hook; e2e suites switch the Deployment's command to it
    programs: { 'aurora-operator': 'src/cli.ts', 'aurora-operator-test': 'test/world/operator-test-main.ts' },
    entrypoint: ['aurora-operator'],
  },
];

const shellRepositories = new Set(['busybox', 'alpine', 'debian', 'bash']);

/** Repository part of an image reference: registry host, tag and digest removed. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function definitionFor(image: string): ImageDefinition | 'shell' | undefined {
  const repository = imageRepository(image);
  const last = repository.slice(repository.lastIndexOf('/') + 1);
  if (shellRepositories.has(last)) return 'shell';
  return definitions.find((d) => repository.endsWith(d.name));
}

/** Whether the local environment can run containers of this image. */
export function isKnownImage(image: string): boolean {
  return definitionFor(image) !== undefined;
}

/**
 * Resolves an image to its local form, writing the wrapper scripts into stateDir/images/<name>/bin.
 * Throws UnknownImageError for images the local environment cannot run.
 */
export async function resolveImage(
  image: string,
  opts: { stateDir: string; nodePath?: string },
): Promise<LocalImage> {
  const def = definitionFor(image);
  if (def === undefined) {
    throw new UnknownImageError(
      `image "${image}" is not available in the local environment (known: aurora-scheduler, aurora-operator, ${[...shellRepositories].join(', ')})`,
    );
  }
  if (def === 'shell')
    return {
      name: 'shell',
      binDir: undefined,
      imageID: 'local://shell',
      entrypoint: ['sh'],
      runtimePaths: [],
    };
  const nodePath = opts.nodePath ?? process.execPath;
  const binDir = path.join(opts.stateDir, 'images', def.name, 'bin');
  await fs.mkdir(binDir, { recursive: true });
  for (const [command, entry] of Object.entries(def.programs)) {
    const script = `#!/bin/sh\nexec '${nodePath}' '${path.join(repoRoot, entry)}' "$@"\n`;
    await writeIfChanged(path.join(binDir, command), script);
  }
  return {
    name: def.name,
    binDir,
    imageID: `local://${def.name}`,
    entrypoint: def.entrypoint,
    runtimePaths: [binDir, repoRoot, path.dirname(nodePath)],
  };
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === content) return;
  // write then rename so a container starting concurrently never executes a half-written script
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o755 });
  await fs.rename(tmp, file);
}

/**
 * A pod volume mounted over a parent of the image's own files (an emptyDir at /tmp while the repository lives
 * under /tmp) would hide them, so those paths are bound again on top, read-only, as an image's files would be.
 */
export function keepImageVisible(image: LocalImage, mountArgs: readonly string[]): string[] {
  const targets: string[] = [];
  for (let i = 0; i < mountArgs.length; i++) {
    if (mountArgs[i] === '--bind' || mountArgs[i] === '--ro-bind') targets.push(mountArgs[i + 2] ?? '');
  }
  const covered = (p: string): boolean =>
    targets.some((t) => t !== '/' && (p === t || p.startsWith(`${t}/`)));
  return image.runtimePaths.filter(covered).flatMap((p) => ['--ro-bind', p, p]);
}
