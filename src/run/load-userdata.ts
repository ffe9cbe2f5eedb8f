/** `pllm.load`: a saved value decoded, the response handles in it hydrated from the store. */
import { NotAvailable } from "../core/errors.js";
import { ResponseHandle } from "../core/response-handle.js";
import { decodeUserdata, type ResponseReference } from "../core/userdata-codec.js";
import { answerKey, type Store } from "../store/store.js";

/** The value saved under `key`; `undefined` when nothing was saved. */
export async function loadUserdata(store: Store, key: string): Promise<unknown> {
  const json = await store.loadUserdata(key);
  if (json === undefined) return undefined;
  const references: [ResponseReference, ResponseHandle][] = [];
  const value = decodeUserdata(json, (reference) => {
    const handle = new ResponseHandle(reference.agent, reference.hash, reference.occurrence, reference.seq, undefined);
    references.push([reference, handle]);
    return handle;
  });
  let pending: ReadonlySet<string> | undefined;
  for (const [reference, handle] of references) {
    const answer = await store.lookup(reference);
    if (answer) {
      handle._ready(answer, true);
      continue;
    }
    pending ??= await store.pendingCalls();
    if (pending.has(answerKey(reference))) {
      const message = `The response saved under "${key}" (agent "${reference.agent}") waits in a provider batch.`;
      handle._defer("pending", () => Promise.reject(new NotAvailable(message)));
    }
  }
  return value;
}
