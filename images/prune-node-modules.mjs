// Removes what production never loads from node_modules: type declarations, source maps and documentation.
import fs from 'node:fs';
import path from 'node:path';

const unused = /\.(d\.ts|d\.mts|d\.cts|map|md|markdown)$/i;
let removed = 0;
for (const entry of fs.readdirSync(process.argv[2], { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !unused.test(entry.name)) continue;
  fs.rmSync(path.join(entry.parentPath, entry.name));
  removed++;
}
console.log(`pruned ${removed} files`);
