// JCommander 1.72's `@file` expansion, on by default in Aurora's parsers: each `@path` argument, wherever it
// stands, becomes the file's lines, skipping empty lines and `#` comments.
import { readFileSync } from 'node:fs';
import { FlagError } from './flag-parser.ts';

export function expandArgFiles(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    if (!arg.startsWith('@')) return [arg];
    const file = arg.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new FlagError(`Could not read file ${file}: ${(err as Error).message}`);
    }
    return text.split(/\r?\n/).filter((line) => line.length > 0 && !line.trim().startsWith('#'));
  });
}
