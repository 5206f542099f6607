// JCommander-style argv parsing: single-dash `-key=value` (or `-key value`), unknown keys rejected.

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Splits argv into raw key/value strings; `known` is the full flag set (without dashes). */
export function splitFlags(argv: readonly string[], known: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-')
      throw new FlagError(`Was passed main parameter '${arg}' but no main parameter was defined`);
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const key = eq >= 0 ? body.slice(0, eq) : body;
    if (!known.has(key))
      throw new FlagError(
        `Was passed main parameter '${arg}' but no main parameter was defined in your arg class`,
      );
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
      if (value === undefined) throw new FlagError(`Expected a value after parameter -${key}`);
    }
    out.set(key, value);
  }
  return out;
}
