// The error of a request the API server answered with a non-2xx status, shaped as src/k8s/errors.ts reads it:
// the status in `code`, the raw response text (a Status object as JSON) in `body`.
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly code: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;

  constructor(
    code: number,
    statusText: string,
    body: string,
    headers: Record<string, string | string[] | undefined> = {},
  ) {
    super(`HTTP-Code: ${code}\nMessage: ${statusText}\nBody: ${JSON.stringify(body)}`);
    this.code = code;
    this.body = body;
    this.headers = headers;
  }
}
