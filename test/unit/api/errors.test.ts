// The error catalogue: docs/errors.md matches it, codes are unique, and every error class carries its code.
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentError } from '../../../src/agent/agent-errors.ts';
import {
  ERROR_CATALOGUE,
  ERROR_CODE_GROUPS,
  OBJECT_STORE_CODES,
  OperatorError,
} from '../../../src/api/errors.ts';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../../../src/api/errors-doc.ts';
import { AuroraApplicationError, AuroraHttpError, AuroraRpcError } from '../../../src/aurora/admin-errors.ts';
import { ObjectStoreError } from '../../../src/objectstore/object-store-errors.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { ResponseCode } from '../../../src/thrift/api-types.ts';

const ROOT = new URL('../../../', import.meta.url);

test('docs/errors.md is the rendered catalogue', () => {
  let committed = '';
  try {
    committed = readFileSync(new URL(ERRORS_DOC_PATH, ROOT), 'utf8');
  } catch {
    assert.unreachable(`${ERRORS_DOC_PATH} is missing; run npm run docs:errors`);
  }
  assert.ok(
    committed === renderErrorsDoc(),
    `${ERRORS_DOC_PATH} drifted from src/api/errors.ts; run npm run docs:errors`,
  );
});

test('each code is listed in exactly one group', () => {
  const listed = ERROR_CODE_GROUPS.flatMap((g) => Object.keys(g.codes));
  assert.equal(listed.length, new Set(listed).size);
  assert.equal([...listed].sort(), Object.keys(ERROR_CATALOGUE).sort());
});

test('a TerminalError keeps its reason as its code and is terminal', () => {
  const err = new TerminalError('ClusterNotFound', 'AuroraCluster x does not exist');
  assert.instance(err, OperatorError);
  assert.instance(err, Error);
  assert.is(err.name, 'TerminalError');
  assert.is(err.code, 'ClusterNotFound');
  assert.is(err.reason, 'ClusterNotFound');
  assert.is(err.message, 'AuroraCluster x does not exist');
  assert.ok(err.terminal);
});

test('Aurora errors map response codes and HTTP outcomes to codes, all retried', () => {
  const rows: [OperatorError, string][] = [
    [new AuroraRpcError('snapshot', ResponseCode.ERROR, ['boom']), 'AURORA_ERROR'],
    [new AuroraRpcError('snapshot', ResponseCode.AUTH_FAILED, []), 'AURORA_AUTH_FAILED'],
    [new AuroraRpcError('snapshot', ResponseCode.INVALID_REQUEST, []), 'AURORA_INVALID_REQUEST'],
    [new AuroraRpcError('snapshot', ResponseCode.ERROR_TRANSIENT, []), 'AURORA_ERROR_TRANSIENT'],
    [new AuroraRpcError('snapshot', 42 as ResponseCode, []), 'AURORA_ERROR'],
    [new AuroraHttpError('snapshot', 'timed out'), 'AURORA_UNREACHABLE'],
    [new AuroraHttpError('snapshot', 'HTTP 503', 503), 'AURORA_HTTP_STATUS'],
    [new AuroraHttpError('snapshot', 'undecodable reply', 200), 'AURORA_BAD_REPLY'],
    [new AuroraApplicationError('snapshot', 'unknown method', 1), 'AURORA_APPLICATION_EXCEPTION'],
  ];
  for (const [err, code] of rows) {
    assert.is(err.code, code);
    assert.not.ok(err.terminal, code);
  }
  assert.is(new AuroraRpcError('snapshot', ResponseCode.ERROR, ['boom']).message, 'snapshot: ERROR: boom');
});

test('an AgentError carries its code and is retried', () => {
  const err = new AgentError('AGENT_TOKEN_MISSING', 'Secret a/b has no token key');
  assert.instance(err, OperatorError);
  assert.is(err.name, 'AgentError');
  assert.is(err.code, 'AGENT_TOKEN_MISSING');
  assert.not.ok(err.terminal);
});

/** objectStoreCodesInSource collects every OBJECT_* code literal the object-store and agent sources raise or map. */
function objectStoreCodesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of ['src/objectstore', 'src/agent']) {
    for (const name of readdirSync(new URL(dir, ROOT)).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(new URL(`${dir}/${name}`, ROOT), 'utf8');
      for (const m of text.matchAll(/'(OBJECT_[A-Z0-9_]+)'/g)) found.set(m[1] ?? '', `${dir}/${name}`);
    }
  }
  return found;
}

test('every object-store code raised in src/objectstore and src/agent is in the catalogue', () => {
  const found = objectStoreCodesInSource();
  assert.ok(found.size >= 10, `only ${found.size} codes found; did the sources move?`);
  for (const [code, file] of found) {
    assert.ok(code in ERROR_CATALOGUE, `${code} (raised in ${file}) is not in src/api/errors.ts`);
  }
  for (const code of Object.keys(OBJECT_STORE_CODES)) {
    assert.ok(found.has(code), `${code} is catalogued but nothing raises it`);
  }
});

test("each object-store code gives a cause and a remedy, and its retry flag is the error's", () => {
  for (const [code, info] of Object.entries(OBJECT_STORE_CODES)) {
    // a cause sentence, then at least one sentence saying what to change or that nothing needs changing
    assert.ok(info.meaning.split(/\.\s+/).length >= 2, `${code}: ${info.meaning}`);
    const err = new ObjectStoreError(code as keyof typeof OBJECT_STORE_CODES, 'x');
    assert.is(err.transient, info.retries, code);
  }
});

test.run();
