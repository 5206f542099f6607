// Argument parsing shared by the commands that take one positional name: a parse error or a missing or extra
// positional prints the usage and means exit code 2.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { CliIo } from './command.ts';

export function parseNamedArgs<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: T,
  usage: string,
  io: CliIo,
):
  | { name: string; values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>['values'] }
  | undefined {
  try {
    const parsed = parseArgs({ args: [...args], allowPositionals: true, options });
    const [name, ...extra] = parsed.positionals;
    if (name && extra.length === 0) return { name, values: parsed.values };
    io.stderr(`${usage}\n`);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${usage}\n`);
  }
  return undefined;
}
