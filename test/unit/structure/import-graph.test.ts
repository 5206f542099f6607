// No import cycles in src/ (type-only imports count): the layer rules in eslint.config.js fix the direction
// between folders, this test finds cycles anywhere, within a folder too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Known cycles, each edge with the change that removes it. The list only shrinks: an edge that no longer closes a
// cycle fails the test until it is deleted here.
// import cycles tolerated for now, each with why; empty: src/ has no import cycle
const KNOWN_CYCLE_EDGES: string[] = [];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** importGraph maps each file of src/ to the files of the repository it imports with a relative path. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles('src')) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** stronglyConnected returns the components of the graph (Tarjan); a component of two or more files is a cycle. */
function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

function withoutKnownEdges(graph: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const known = new Set(KNOWN_CYCLE_EDGES);
  return new Map([...graph].map(([from, to]) => [from, to.filter((t) => !known.has(`${from} -> ${t}`))]));
}

const graph = importGraph();

test('every relative import in src/ names an existing file', () => {
  const missing = [...graph].flatMap(([from, to]) =>
    to.filter((t) => !existsSync(join(ROOT, t))).map((t) => `${from} -> ${t}`),
  );
  assert.equal(missing, []);
  assert.ok(graph.size > 50, `only ${graph.size} files found under src/`);
});

test('src/ has no import cycles beyond the known ones', () => {
  const cycles = stronglyConnected(withoutKnownEdges(graph))
    .filter((c) => c.length > 1 || (graph.get(c[0] ?? '') ?? []).includes(c[0] ?? ''))
    .map((c) => c.join(' <-> '));
  assert.equal(cycles, []);
});

test('each known cycle edge still closes a cycle', () => {
  const componentOf = new Map(stronglyConnected(graph).flatMap((c) => c.map((file) => [file, c] as const)));
  const stale = KNOWN_CYCLE_EDGES.filter((edge) => {
    const [from = '', to = ''] = edge.split(' -> ');
    return !(graph.get(from) ?? []).includes(to) || componentOf.get(from) !== componentOf.get(to);
  });
  assert.equal(stale, [], 'delete these from KNOWN_CYCLE_EDGES: the cycle is gone');
});

test.run();
