// Runs the `aurora-operator` dispatcher in this process with captured output, for the CLI tests.
import { readFile } from 'node:fs/promises';
import { main } from '../../../src/cli.ts';
import type { CliIo } from '../../../src/cli/command.ts';

export async function runCli(
  args: readonly string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: (path) => readFile(path, 'utf8'),
    readStdin: () => Promise.resolve(stdin),
  };
  const code = await main(args, io);
  return { code, out, err };
}
