/**
 * The error `promise` rejects with, when it is a `type`. Anything else fails
 * the test: resolving, or rejecting with an error of another kind (rethrown).
 */
export async function rejectionOf<T>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}
