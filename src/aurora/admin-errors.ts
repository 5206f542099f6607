// Errors of the scheduler admin client, so callers can tell retryable states from real failures.
import { OperatorError, type AuroraErrorCode } from '../api/errors.ts';
import { ResponseCode } from '../thrift/api-types.ts';

const RPC_CODES: Readonly<Record<number, AuroraErrorCode>> = {
  [ResponseCode.INVALID_REQUEST]: 'AURORA_INVALID_REQUEST',
  [ResponseCode.ERROR]: 'AURORA_ERROR',
  [ResponseCode.WARNING]: 'AURORA_WARNING',
  [ResponseCode.AUTH_FAILED]: 'AURORA_AUTH_FAILED',
  [ResponseCode.JOB_UPDATING_ERROR]: 'AURORA_JOB_UPDATING_ERROR',
  [ResponseCode.ERROR_TRANSIENT]: 'AURORA_ERROR_TRANSIENT',
};

/** The scheduler answered with a Response whose code is not OK. */
export class AuroraRpcError extends OperatorError<AuroraErrorCode> {
  readonly method: string;
  readonly responseCode: ResponseCode;
  readonly messages: readonly string[];
  /** ERROR_TRANSIENT, e.g. "Storage is not READY": retry later. */
  readonly transient: boolean;

  constructor(method: string, responseCode: ResponseCode, messages: readonly string[]) {
    const name =
      Object.entries(ResponseCode).find(([, v]) => v === responseCode)?.[0] ?? String(responseCode);
    super(
      RPC_CODES[responseCode] ?? 'AURORA_ERROR',
      `${method}: ${name}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`,
    );
    this.name = 'AuroraRpcError';
    this.method = method;
    this.responseCode = responseCode;
    this.messages = messages;
    this.transient = responseCode === ResponseCode.ERROR_TRANSIENT;
  }
}

function httpCode(status: number | undefined): AuroraErrorCode {
  if (status === undefined) return 'AURORA_UNREACHABLE';
  return status === 200 ? 'AURORA_BAD_REPLY' : 'AURORA_HTTP_STATUS';
}

/** The HTTP exchange failed: non-200 status (307 redirect, 503 no leader, 415...), timeout or socket error. */
export class AuroraHttpError extends OperatorError<AuroraErrorCode> {
  readonly method: string;
  readonly status: number | undefined;
  /** Location header of a 307 from a non-leader. */
  readonly location: string | undefined;

  /** the socket error's code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...) or TimeoutError, when no reply came */
  readonly transport: string | undefined;

  constructor(method: string, message: string, status?: number, location?: string, transport?: string) {
    super(httpCode(status), `${method}: ${message}`);
    this.name = 'AuroraHttpError';
    this.method = method;
    this.status = status;
    this.location = location;
    this.transport = transport;
  }
}

/** The server raised a Thrift TApplicationException (unknown method, internal error). */
export class AuroraApplicationError extends OperatorError<AuroraErrorCode> {
  readonly method: string;
  readonly type: number;

  constructor(method: string, message: string, type: number) {
    super('AURORA_APPLICATION_EXCEPTION', `${method}: ${message}`);
    this.name = 'AuroraApplicationError';
    this.method = method;
    this.type = type;
  }
}
