// The `aurora-operator` program: a small subcommand dispatcher.
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { CliIo, Command } from './cli/command.ts';

/** A command as the dispatcher knows it before loading it: the summary `usage` lists, and how to load the rest. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

// each command loads only when run: the backup-agent sidecar in every scheduler pod never loads client-node
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: {
    summary: 'run the operator (configured through environment variables, see docs/install.md)',
    load: async () => (await import('./cli/run-command.ts')).runCommand,
  },
  render: {
    summary: 'print every object the operator would create for an AuroraCluster manifest',
    load: async () => (await import('./cli/render-command.ts')).renderCommand,
  },
  crds: {
    summary: 'print the CustomResourceDefinitions (--write regenerates crds/ and the chart copies)',
    load: async () => (await import('./cli/crds-command.ts')).crdsCommand,
  },
  diagnose: {
    summary:
      'print a plain-text diagnosis of one AuroraCluster (status, pods, live probes, conditions with remedies)',
    load: async () => (await import('./cli/diagnose-command.ts')).diagnoseCommand,
  },
  'restore-plan': {
    summary:
      'print what restoring a cluster from a backup would kill (restore-plan <cluster> --backup <id|latest>)',
    load: async () => (await import('./cli/restore-plan-command.ts')).restorePlanCommand,
  },
  'check-install': {
    summary: "check an installed operator: /readyz answers and both CRDs are served (the chart's helm test)",
    load: async () => (await import('./cli/check-install-command.ts')).checkInstallCommand,
  },
  'backup-agent': {
    summary: 'serve the backup directory to the operator (sidecar of every scheduler pod)',
    load: async () => (await import('./cli/backup-agent-command.ts')).backupAgentCommand,
  },
};

// every command answers with these codes, so scripts and `kubectl aurora` callers can tell a usage error from a failure
export const EXIT_CODES =
  'exit codes: 0 done; 1 failed (invalid or unreadable input, cluster not found, API or scheduler error, ' +
  'operator could not start); 2 usage error (unknown command or option, missing argument or environment)';

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(12)} ${cmd.summary}`);
  return (
    `usage: aurora-operator <command> [options]   (aurora-operator <command> --help for its options)\n\n` +
    `commands:\n${lines.join('\n')}\n\n${EXIT_CODES}\n`
  );
}

const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

/** commandHelp is what `<command> --help` prints: its usage line, what it does, and the exit codes. */
export function commandHelp(command: Command): string {
  const line = command.usage.replace(/^usage: /, '');
  return `usage: ${line}\n\n${command.summary}\n\n${EXIT_CODES}\n`;
}

/** main dispatches argv (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...afterFirst] = argv;
  // `help <command>` is `<command> --help`
  const args = first === 'help' && afterFirst[0] !== undefined ? [afterFirst[0], '--help'] : argv;
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`unknown command ${JSON.stringify(name)}\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.stdout(commandHelp(command));
    return 0;
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
