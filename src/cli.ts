// The `aurora-operator` program: a small subcommand dispatcher.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { backupAgentCommand } from './cli/backup-agent-command.ts';
import { crdsCommand } from './cli/crds-command.ts';
import { diagnoseCommand } from './cli/diagnose-command.ts';
import type { CliIo, Command } from './cli/command.ts';
import { renderCommand } from './cli/render-command.ts';
import { runCommand } from './cli/run-command.ts';

// `run` (the operator itself) and `diagnose` are added here by their owners
export const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  render: renderCommand,
  crds: crdsCommand,
  diagnose: diagnoseCommand,
  'backup-agent': backupAgentCommand,
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`);
  return `usage: aurora-operator <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** main dispatches argv (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`unknown command ${JSON.stringify(name)}\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}

const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: () => text(process.stdin),
};

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), processIo);
}
