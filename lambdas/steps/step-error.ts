/**
 * Step Functions reports a failed Lambda as `{Error, Cause}`: Error is the thrown error's name, Cause
 * a JSON document `{errorType, errorMessage, trace}` in the cloud, plain text locally.
 */
export function causeText(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause;
  }
}

/** `Name: message` of a caught step error, for run records and notifications. */
export function describeError(e: { Error?: string; Cause?: string }): string {
  return `${e.Error ?? 'Error'}: ${causeText(e.Cause ?? '')}`.trim();
}
