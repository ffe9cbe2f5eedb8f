/**
 * Sending a call under a claim (a store several workers share): the claim is
 * taken as the call gets its slot; a call another worker holds waits for that
 * worker's answer, off the slots, and is sent here only if its claim expires;
 * a call answered meanwhile is replayed, not sent.
 */
import type { CallKey } from "../store/store.js";
import type { CallClaims } from "./call-claims.js";
import type { LLMResult } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";
import { claimedElsewhere, type SendContext, type SendOptions, sendCall } from "./send-call.js";

/** What the run tells a claimed send: its claims, and whether it stopped sending (and how such a call ends). */
export interface ClaimedSendHost {
  readonly claims: CallClaims;
  readonly stopped: () => boolean;
  readonly refuse: () => Promise<never>;
}

/** `send`: how the call goes out once claimed (an ask by `sendCall`; an embedding with the others of its turn). */
export async function sendClaimed(
  context: SendContext,
  host: ClaimedSendHost,
  key: CallKey,
  call: PreparedCall,
  options: SendOptions,
  send: typeof sendCall = sendCall,
): Promise<LLMResult> {
  const { claims } = host;
  // What the latest claim gave.
  let outcome: Awaited<ReturnType<CallClaims["awaitTurn"]>> | undefined;
  const claim = async () => {
    outcome = await claims.take(key);
    return outcome === "taken";
  };
  claims.queued(key);
  try {
    for (;;) {
      try {
        return await send(context, key, call, { ...options, claim });
      } catch (error) {
        if (error !== claimedElsewhere) throw error;
      }
      if (outcome === "held") {
        context.tally.waitingOnWorkers++;
        try {
          outcome = await claims.awaitTurn(key, host.stopped);
        } finally {
          context.tally.waitingOnWorkers--;
        }
      }
      if (outcome === "stopped") return host.refuse();
      if (outcome === "answered") {
        const answer = await context.store.lookup(key);
        if (answer) {
          context.tally.replayed(answer, call.llm.model);
          return answer.result;
        }
      }
      // Taken after the wait (the holder's lease ran out), or answered and taken back since: send it.
    }
  } finally {
    // A claim this call holds (sent, or taken ahead of a send that never came) is let go, however it ended.
    claims.settled(key);
  }
}
