/**
 * Anthropic's routes. Both auth styles are accepted (`x-api-key`, sent by SDK
 * 0.x, wins over `Authorization: Bearer`, sent by SDK 1.x), and both
 * `anthropic-version` values (providers.md §2).
 */
import { anthropicBatchRoutes } from "./anthropic-batch-routes.js";
import { anthropicMessagesRoute } from "./anthropic-messages-endpoint.js";
import { anthropicError } from "./anthropic-respond.js";
import { anthropicVersions } from "./anthropic-validation.js";
import type { ProviderRoutes } from "./provider-routes.js";
import { bearerToken, headerValue } from "./request-headers.js";

/** The Anthropic route module. */
export const anthropicRoutes: ProviderRoutes = {
  provider: "anthropic",
  recognizes: (url, headers) =>
    headers["anthropic-version"] !== undefined ||
    headers["x-api-key"] !== undefined ||
    url.pathname.startsWith("/v1/messages"),
  checkAccess(_url, headers, requiredKey) {
    const key = headerValue(headers, "x-api-key") || bearerToken(headers);
    if (!key) return { status: 401, message: "x-api-key header is required" };
    if (requiredKey !== undefined && key !== requiredKey) return { status: 401, message: "invalid x-api-key" };
    const version = headerValue(headers, "anthropic-version");
    if (version === undefined) return { status: 400, message: "anthropic-version: header is required" };
    if (!(anthropicVersions as readonly string[]).includes(version)) {
      return {
        status: 400,
        message: `anthropic-version: invalid value '${version}'; expected one of ${anthropicVersions.join(", ")}`,
      };
    }
    return undefined;
  },
  routes: [anthropicMessagesRoute, ...anthropicBatchRoutes],
  error: anthropicError,
  notFound: (method, path) => ({ status: 404, message: `Not Found: ${method} ${path}` }),
  malformedJson: { status: 400, message: "There was an error parsing the body of your request: it is not valid JSON." },
};
