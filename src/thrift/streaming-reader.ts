// A pull-based TBinaryProtocol reader over a stream of chunks that keeps only the bytes of the value being decoded,
// so a file of any size is read in memory bounded by its largest single value, not by its length.
import { BinaryReader, EndOfDataError } from './binary-protocol.ts';

/** No value a scheduler writes comes near this; a larger one is taken as a corrupted length, not buffered. */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;

// the least a failed decode asks for beyond what it had, so 1-byte chunks do not retry a value byte by byte
const MIN_GROWTH = 4096;

export interface StreamingReaderOptions {
  maxValueBytes?: number;
}

export class StreamingReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private dropped = 0;
  private ended = false;
  private readonly chunks: AsyncIterator<Uint8Array>;
  private readonly maxValueBytes: number;
  /** set when the chunk source itself failed (an I/O error), which is not a fault of the data */
  sourceFailed = false;

  constructor(chunks: AsyncIterator<Uint8Array>, opts: StreamingReaderOptions = {}) {
    this.chunks = chunks;
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  static from(source: AsyncIterable<Uint8Array>, opts?: StreamingReaderOptions): StreamingReader {
    return new StreamingReader(source[Symbol.asyncIterator](), opts);
  }

  /** Bytes consumed since the start of the stream: where the next value begins. */
  get offset(): number {
    return this.dropped + this.pos;
  }

  private get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** fill reads chunks until `want` bytes are buffered or the stream ends, dropping the bytes already consumed. */
  private async fill(want: number): Promise<void> {
    if (this.buffered >= want || this.ended) return;
    const parts: Buffer[] = this.buffered > 0 ? [this.buf.subarray(this.pos)] : [];
    let have = this.buffered;
    while (have < want) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await this.chunks.next();
      } catch (err) {
        this.sourceFailed = true;
        throw err;
      }
      if (next.done) {
        this.ended = true;
        break;
      }
      parts.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      have += next.value.byteLength;
    }
    this.dropped += this.pos;
    this.buf = parts.length === 1 ? (parts[0] ?? this.buf) : Buffer.concat(parts, have);
    this.pos = 0;
  }

  /**
   * decode runs a synchronous read (binary-protocol.ts) over the buffered bytes and, when the value runs past
   * them, reads at least twice as many and runs it again from the value's start, so the cost stays linear.
   */
  async decode<T>(read: (r: BinaryReader) => T): Promise<T> {
    for (;;) {
      const reader = new BinaryReader(this.buf.subarray(this.pos));
      try {
        const value = read(reader);
        this.pos += this.buffered - reader.remaining;
        return value;
      } catch (err) {
        if (!(err instanceof EndOfDataError)) throw err;
        const had = this.buffered;
        if (had >= this.maxValueBytes) {
          const why = `a single value is larger than ${this.maxValueBytes} bytes (a corrupted length?)`;
          throw new Error(why, { cause: err });
        }
        await this.fill(Math.min(Math.max(had * 2, had + MIN_GROWTH), this.maxValueBytes));
        if (this.buffered === had) throw err;
      }
    }
  }

  /** skipBytes passes over n bytes without holding them, for a long string nobody reads. */
  async skipBytes(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      if (this.buffered === 0) throw new EndOfDataError();
      const step = Math.min(left, this.buffered);
      this.pos += step;
      left -= step;
    }
  }

  /** drain reads the rest of the stream and returns how many bytes it held. */
  async drain(): Promise<number> {
    let count = this.buffered;
    this.dropped += this.buf.length;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    while (!this.ended) {
      await this.fill(1);
      count += this.buffered;
      this.dropped += this.buf.length;
      this.buf = Buffer.alloc(0);
    }
    return count;
  }

  /** close ends the source early (a file stream is destroyed), as after a decoding error. */
  async close(): Promise<void> {
    if (!this.ended) await this.chunks.return?.();
    this.ended = true;
  }
}
