// JCommander 1.72 argv parsing as Aurora configures it (`separators = "="`): single-dash `-key=value` or
// `-key value`, an option given twice rejected unless it is a List, unknown and `--` arguments rejected.

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

const mainParameter = (arg: string): FlagError =>
  new FlagError(`Was passed main parameter '${arg}' but no main parameter was defined in your arg class`);

/**
 * Splits argv into raw key/value strings. `known` is the full flag set (without dashes); values of the `lists` flags
 * given more than once are joined with commas, as JCommander appends to a List field.
 */
export function splitFlags(
  argv: readonly string[],
  known: ReadonlySet<string>,
  lists: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    // JCommander treats an argument as an option only if a declared name (`-key`) is a prefix of it, so `--key`
    // and unknown names fall through to the (undeclared) main parameter
    if (![...known].some((k) => arg.startsWith(`-${k}`))) throw mainParameter(arg);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const key = name.slice(1);
    if (!known.has(key)) throw new FlagError(`Unknown option: ${name}`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
      if (value === undefined) throw new FlagError(`Expected a value after parameter ${name}`);
    }
    const previous = out.get(key);
    if (previous !== undefined && !lists.has(key))
      throw new FlagError(`Can only specify option ${name} once.`);
    out.set(key, previous !== undefined ? `${previous},${value}` : value);
  }
  return out;
}
