/**
 * Anthropic error `type` → the HTTP status it comes with, for failures that
 * arrive without one (the `errored` lines of Message Batches results).
 *
 * @see https://docs.claude.com/en/api/errors
 */
export function mapAnthropicErrorType(type: unknown): number | undefined {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "billing_error":
      return 402;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "request_too_large":
      return 413;
    case "rate_limit_error":
      return 429;
    case "api_error":
      return 500;
    case "timeout_error":
      return 504;
    case "overloaded_error":
      return 529;
    default:
      return undefined;
  }
}
