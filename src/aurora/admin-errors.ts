// Errors of the scheduler admin client, so callers can tell retryable states from real failures.
import { ResponseCode } from '../thrift/api-types.ts';

/** The scheduler answered with a Response whose code is not OK. */
export class AuroraRpcError extends Error {
  readonly method: string;
  readonly code: ResponseCode;
  readonly messages: readonly string[];
  /** ERROR_TRANSIENT, e.g. "Storage is not READY": retry later. */
  readonly transient: boolean;

  constructor(method: string, code: ResponseCode, messages: readonly string[]) {
    const name = Object.entries(ResponseCode).find(([, v]) => v === code)?.[0] ?? String(code);
    super(`${method}: ${name}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`);
    this.name = 'AuroraRpcError';
    this.method = method;
    this.code = code;
    this.messages = messages;
    this.transient = code === ResponseCode.ERROR_TRANSIENT;
  }
}

/** The HTTP exchange failed: non-200 status (307 redirect, 503 no leader, 415...), timeout or socket error. */
export class AuroraHttpError extends Error {
  readonly method: string;
  readonly status: number | undefined;
  /** Location header of a 307 from a non-leader. */
  readonly location: string | undefined;

  constructor(method: string, message: string, status?: number, location?: string) {
    super(`${method}: ${message}`);
    this.name = 'AuroraHttpError';
    this.method = method;
    this.status = status;
    this.location = location;
  }
}

/** The server raised a Thrift TApplicationException (unknown method, internal error). */
export class AuroraApplicationError extends Error {
  readonly method: string;
  readonly type: number;

  constructor(method: string, message: string, type: number) {
    super(`${method}: ${message}`);
    this.name = 'AuroraApplicationError';
    this.method = method;
    this.type = type;
  }
}
