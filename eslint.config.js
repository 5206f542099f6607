// Lint rules: typed checks that catch unawaited promises, size caps that keep files and functions small, and the
// direction of imports between the folders of src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What each part of src/ may import besides itself, node and libraries; import cycles are found by
// test/unit/structure/import-graph.test.ts. src/ never imports test/: no entry reaches outside src/.
const FEATURES = ['cluster', 'restore', 'diagnostics', 'agent', 'aurora', 'controller'];
const BASE = ['api', 'resources', 'k8s', 'thrift', 'objectstore', 'log.ts', 'config.ts'];
const LAYERS = {
  api: [],
  k8s: [],
  thrift: [],
  resources: ['api'],
  crd: ['api'],
  objectstore: ['api'],
  ...Object.fromEntries(FEATURES.map((folder) => [folder, [...BASE, ...FEATURES]])),
  // the outermost layer: `aurora-operator run` starts main.ts
  cli: [...BASE, ...FEATURES, 'crd', 'main.ts'],
};
// files directly in src/: main.ts composes the operator, cli.ts dispatches commands, the rest are leaves
const ROOT_FILES = {
  'main.ts': [...BASE, ...FEATURES, 'operator-http.ts'],
  'cli.ts': ['cli'],
};

const anyOf = (names) => names.map((n) => n.replace(/\./g, '\\.')).join('|');
const outside = (ups, allowed) => `^${ups}(?!(?:${anyOf(allowed)})(?:/|$))`;

function layerRules() {
  const configs = [];
  for (const [folder, allowed] of Object.entries(LAYERS)) {
    const message = allowed.length
      ? `src/${folder} may import only ${allowed.join(', ')} (layer table in eslint.config.js).`
      : `src/${folder} is a leaf: it imports only node and libraries (layer table in eslint.config.js).`;
    for (let depth = 1; depth <= 3; depth++) {
      configs.push({
        files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            { patterns: [{ regex: outside('(?:\\.\\./)'.repeat(depth), [folder, ...allowed]), message }] },
          ],
        },
      });
    }
  }
  const roots = Object.keys(ROOT_FILES);
  for (const [file, allowed] of Object.entries(ROOT_FILES)) {
    configs.push({
      files: [`src/${file}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: outside('\\./', allowed),
                message: `src/${file} may import only ${allowed.join(', ')}.`,
              },
              { regex: '^\\.\\./', message: 'src/ does not import from outside src/.' },
            ],
          },
        ],
      },
    });
  }
  configs.push({
    files: ['src/*.ts'],
    ignores: roots.map((file) => `src/${file}`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\.?/',
              message: 'Files directly in src/ other than main.ts and cli.ts are leaves.',
            },
          ],
        },
      ],
    },
  });
  return configs;
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'charts/**', 'crds/**', '.cache/**', '.local-env/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-depth': ['error', 4],
      'max-params': ['error', 5],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  ...layerRules(),
);
