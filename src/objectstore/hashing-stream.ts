// A pass-through stream that computes the SHA-256 and byte count of what flows through it, and can refuse to end
// when the result is wrong, so a consumer never sees a clean end of bad bytes. The last chunk is held back until the
// check passes, so a consumer that knows the length (an HTTP body with Content-Length) never receives all of them.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Digest {
  sha256: string;
  size: number;
}

/** createHashingStream: `check` runs before the stream ends; an error it returns fails the stream instead. */
export function createHashingStream(check?: (digest: Digest) => Error | undefined): Transform & {
  digest(): Digest;
} {
  const hash = createHash('sha256');
  let size = 0;
  let result: Digest | undefined;
  let held: Buffer | undefined;
  const digest = (): Digest => (result ??= { sha256: hash.digest('hex'), size });
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      const refused = check?.(digest());
      if (refused !== undefined) return callback(refused);
      callback(null, held);
    },
  });
  return Object.assign(stream, { digest });
}

export async function sha256OfFile(path: string, signal?: AbortSignal): Promise<Digest> {
  const hashing = createHashingStream();
  const drain = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const _ of source);
  };
  await pipeline(createReadStream(path), hashing, drain, signal === undefined ? {} : { signal });
  return hashing.digest();
}
