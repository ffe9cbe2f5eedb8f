/** For tests of a crash between creating a batch at the provider and recording its id. */
import type { Provider } from "../src/providers/provider.js";

/**
 * `provider` whose Batch API creates each batch at the provider and then
 * throws `crash` before the id reaches the store, as a process killed at that
 * moment would leave it.
 */
export function crashAfterCreate(provider: Provider, crash: Error): Provider {
  const batch = provider.batch;
  if (!batch) throw new Error(`The ${provider.name} provider has no Batch API to wrap.`);
  return {
    ...provider,
    batch: {
      ...batch,
      async submit(submission) {
        await batch.submit(submission);
        throw crash;
      },
    },
  };
}
