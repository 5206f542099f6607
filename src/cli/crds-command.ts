// `aurora-operator crds [--write]`: prints the CRDs, or regenerates the committed copies.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCrdFiles } from '../crd/aurora-crds.ts';
import { renderCrdYaml, writeCrds } from '../crd/write-crds.ts';
import type { CliIo, Command } from './command.ts';

// the repository (or image) root, independent of the caller's working directory
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const USAGE = 'usage: aurora-operator crds [--write [--root <dir>]]';

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { write: { type: 'boolean', default: false }, root: { type: 'string', default: ROOT } },
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.write) {
    io.stdout(
      buildCrdFiles()
        .map(({ crd }) => `---\n${renderCrdYaml(crd)}`)
        .join(''),
    );
    return 0;
  }
  const written = await writeCrds(values.root);
  io.stdout(written.map((path) => `wrote ${path}\n`).join(''));
  return 0;
}

export const crdsCommand: Command = {
  summary: 'print the CustomResourceDefinitions (--write regenerates crds/ and the chart copies)',
  usage: USAGE,
  run,
};
