// Classification of object-store failures: what the SDK, sockets and TLS raise maps to one stable code each,
// and the code decides whether the failure is retried.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  codeOf,
  ObjectStoreError,
  toObjectStoreError,
} from '../../../src/objectstore/object-store-errors.ts';

/** the shape of an S3ServiceException: name is the S3 error code, $metadata the HTTP status */
function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function sysError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

const CASES: [string, unknown, string, boolean][] = [
  ['wrong secret', s3Error('SignatureDoesNotMatch', 403), 'OBJECT_STORE_FORBIDDEN', false],
  ['unknown key id', s3Error('InvalidAccessKeyId', 403), 'OBJECT_STORE_FORBIDDEN', false],
  ['403 from a HEAD (no body, no code)', s3Error('Forbidden', 403), 'OBJECT_STORE_FORBIDDEN', false],
  ['missing bucket', s3Error('NoSuchBucket', 404), 'OBJECT_STORE_NO_SUCH_BUCKET', false],
  ['missing key', s3Error('NoSuchKey', 404), 'OBJECT_NOT_FOUND', false],
  ['404 from a HEAD', s3Error('NotFound', 404), 'OBJECT_NOT_FOUND', false],
  ['conditional write lost', s3Error('PreconditionFailed', 412), 'OBJECT_ALREADY_EXISTS', false],
  ['quota', s3Error('QuotaExceeded', 403), 'OBJECT_STORE_FULL', false],
  ['507', s3Error('UnknownError', 507), 'OBJECT_STORE_FULL', false],
  ['store computed another SHA-256', s3Error('BadDigest', 400), 'OBJECT_SOURCE_CHANGED', true],
  ['throttled', s3Error('SlowDown', 503), 'OBJECT_STORE_UNREACHABLE', true],
  ['server error', s3Error('UnknownError', 500), 'OBJECT_STORE_UNREACHABLE', true],
  ['connection refused', sysError('ECONNREFUSED'), 'OBJECT_STORE_UNREACHABLE', true],
  [
    'refused on every address (happy eyeballs)',
    new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')]),
    'OBJECT_STORE_UNREACHABLE',
    true,
  ],
  ['SDK timeout', Object.assign(new Error('t'), { name: 'TimeoutError' }), 'OBJECT_STORE_UNREACHABLE', true],
  ['reset', sysError('ECONNRESET'), 'OBJECT_STORE_UNREACHABLE', true],
  ['untrusted CA', sysError('SELF_SIGNED_CERT_IN_CHAIN'), 'OBJECT_STORE_TLS', false],
  ['wrong host name', sysError('ERR_TLS_CERT_ALTNAME_INVALID'), 'OBJECT_STORE_TLS', false],
  [
    'TLS failure as a cause',
    new Error('outer', { cause: sysError('UNABLE_TO_VERIFY_LEAF_SIGNATURE') }),
    'OBJECT_STORE_TLS',
    false,
  ],
  ['local disk full', sysError('ENOSPC'), 'OBJECT_TARGET_FULL', false],
  ['anything else', new Error('odd'), 'OBJECT_STORE_ERROR', true],
];

for (const [what, err, code, transient] of CASES) {
  test(`${what} → ${code}${transient ? ' (transient)' : ' (terminal)'}`, () => {
    const wrapped = toObjectStoreError(err, 'list backups');
    assert.is(codeOf(err), code);
    assert.is(wrapped.code, code);
    assert.is(wrapped.transient, transient);
    assert.ok(wrapped instanceof ObjectStoreError);
    assert.match(wrapped.message, /^list backups: /);
    assert.is(wrapped.cause, err);
  });
}

test('an ObjectStoreError passes through unchanged', () => {
  const err = new ObjectStoreError('OBJECT_SHA256_MISMATCH', 'bad bytes');
  assert.is(toObjectStoreError(err, 'download'), err);
  assert.is(err.transient, false);
});

test.run();
