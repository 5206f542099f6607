// `aurora-operator run`: the operator process, stopped gracefully on SIGTERM or SIGINT.
import type { RunningOperator } from '../main.ts';
import type { CliIo, Command } from './command.ts';

/** runUntilSignal starts the operator and resolves to the exit code once a signal has stopped it. */
export async function runUntilSignal(start: () => Promise<RunningOperator>, io: CliIo): Promise<number> {
  const operator = await start().catch((err: unknown) => {
    io.stderr(`aurora-operator: ${err instanceof Error ? err.message : String(err)}\n`);
    return undefined;
  });
  if (!operator) return 1;
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      void operator.stop().finally(resolve);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  return 0;
}

export const runCommand: Command = {
  summary: 'run the operator (configured through environment variables, see docs/install.md)',
  usage: 'aurora-operator run',
  async run(_args, io) {
    const { startOperator } = await import('../main.ts');
    // no extensions: the production entry point has no way to plug in the test fault hook
    return runUntilSignal(() => startOperator(process.env), io);
  },
};
