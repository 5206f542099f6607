// `aurora-operator run`: the operator process, stopped gracefully on SIGTERM or SIGINT.
import type { Command } from './command.ts';

export const runCommand: Command = {
  summary: 'run the operator (configured through environment variables, see README)',
  usage: 'aurora-operator run',
  async run(_args, io) {
    const { startOperator } = await import('../main.ts');
    const operator = await startOperator(process.env).catch((err: unknown) => {
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
  },
};
