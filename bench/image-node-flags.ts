// The node flags bin/aurora-operator runs every command with (the operator and the backup agent), read from the
// script itself so that a bench measuring their memory runs them as the image does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** imageNodeFlags: the flags of bin/aurora-operator's `exec "$node" <flags> "$entry" "$@"` line. */
export function imageNodeFlags(): string[] {
  const script = readFileSync(join(ROOT, 'bin', 'aurora-operator'), 'utf8');
  const match = /^exec "\$node" (.*) "\$entry" "\$@"$/m.exec(script);
  if (!match?.[1]) throw new Error('bench: no `exec "$node" <flags> "$entry"` line in bin/aurora-operator');
  return match[1].split(/\s+/);
}
