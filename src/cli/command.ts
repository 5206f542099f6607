// The shape every `aurora-operator` subcommand implements, with injected output so tests need no process.
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  readonly readStdin: () => Promise<string>;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  /** resolves to the process exit code */
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
}
