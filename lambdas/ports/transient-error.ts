/**
 * The error the workflow retries. Every Task's Retry in statemachines/etl.asl.json names
 * `TransientError`; Step Functions matches a Lambda error by its `errorType`, which the Node.js
 * runtime takes from the thrown error's `name`
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 *
 * Adapters throw it only once their own retries (the AWS SDK's, and the Data API adapter's) are
 * spent, and only for failures that a later attempt can cure: throttling, 5xx and S3 SlowDown,
 * timeouts, dropped connections. Everything else (access denied, bad SQL, a missing object) keeps
 * its own error so the run fails at once with the real cause.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    /** e.g. `s3:GetObject`, `redshift-data:ExecuteStatement`. */
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
  }
}

/** Error names AWS services use for throttling and temporary unavailability. */
const TRANSIENT_NAMES = new Set([
  // throttling (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html)
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown', // S3: reduce the request rate (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)
  'BandwidthLimitExceeded',
  // Redshift Data API limits on concurrent work
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  // server side
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // timeouts
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node.js socket and DNS errors that a new connection can cure. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/** Is this failure of an AWS call worth another attempt later? */
export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  const err = e as { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (!err || typeof err !== 'object') return false;
  if (TRANSIENT_NAMES.has(err.name ?? '') || TRANSIENT_NAMES.has(err.Code ?? '')) return true;
  if (NETWORK_CODES.has(err.code ?? '')) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  // The SDK marks errors it considers retryable (throttling, transient) with $retryable.
  if (err.$retryable) return true;
  // A fetch failure wraps the socket error as its cause.
  return err.cause !== undefined && err.cause !== e && isTransient(err.cause);
}

/** Runs an AWS call; a transient failure becomes a TransientError naming the operation, others pass unchanged. */
export async function classifyTransient<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof TransientError || !isTransient(e)) throw e;
    const err = e as { name?: string; message?: string };
    throw new TransientError(operation, `${err.name ?? 'Error'}: ${err.message ?? String(e)}`, { cause: e });
  }
}
