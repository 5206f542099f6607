// A Thrift call the scheduler answers with a non-OK ResponseCode and a message, as Aurora's error(...) helpers do.
import type { ResponseCode } from '../../../src/thrift/api-types.ts';

export class ApiError extends Error {
  readonly code: ResponseCode;
  constructor(code: ResponseCode, message: string) {
    super(message);
    this.code = code;
  }
}
