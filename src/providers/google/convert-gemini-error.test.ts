import { ApiError } from "@google/genai";
import { beforeAll, expect, it } from "vitest";
import { AuthenticationError } from "../../core/errors.js";
import { convertGeminiError } from "./convert-gemini-error.js";
import { geminiSdk } from "./gemini-sdk.js";

// Errors are told apart by the SDK's classes once a call has loaded it; here, no call is made.
beforeAll(() => geminiSdk.load());

const apiError = (status: number, body: unknown) =>
  new ApiError({ status, message: typeof body === "string" ? body : JSON.stringify(body) });

it("reads a fractional RetryInfo delay", () => {
  const error = convertGeminiError(
    apiError(429, {
      error: {
        code: 429,
        message: "slow down",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "0.5s" }],
      },
    }),
    "gemini-2.5-flash",
  );
  expect(error).toMatchObject({ kind: "rate-limited", retryAfterMs: 500, providerMessage: "slow down" });
});

it("keeps the SDK message when the body is not JSON", () => {
  const error = convertGeminiError(apiError(502, "Bad Gateway"), "gemini-2.5-flash");
  expect(error).toMatchObject({ kind: "server", statusCode: 502, providerMessage: "Bad Gateway" });
});

it("classifies 403 PERMISSION_DENIED as authentication", () => {
  const error = convertGeminiError(
    apiError(403, { error: { code: 403, message: "denied", status: "PERMISSION_DENIED" } }),
    "gemini-2.5-flash",
  );
  expect(error).toBeInstanceOf(AuthenticationError);
});

it("leaves other errors alone", () => {
  expect(convertGeminiError(new Error("a bug"), "gemini-2.5-flash")).toBeUndefined();
  expect(convertGeminiError(new TypeError("x is not a function"), "gemini-2.5-flash")).toBeUndefined();
});
