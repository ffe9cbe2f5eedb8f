/**
 * Which of many calls waited for a poll looks up. Other workers answer in
 * roughly the order this one asked, so a poll looks up the calls waited for
 * longest, and every tenth poll all of them (a call answered out of order, or
 * a claim that lapsed, is seen at most ten polls late). Four workers waiting
 * for 3,000 calls each would otherwise look up 120,000 keys a second.
 */

/** Calls a poll looks up, those waited for longest. */
const polledPerPoll = 256;
/** Every this many polls, all of them. */
const fullPollEvery = 10;

/** The entries poll number `poll` (from 1) looks up: the first `polledPerPoll` of `waiting`, oldest first, or all. */
export function polledThisTime<T>(waiting: Iterable<T>, poll: number): T[] {
  const full = poll % fullPollEvery === 0;
  const polled: T[] = [];
  for (const entry of waiting) {
    if (!full && polled.length === polledPerPoll) break;
    polled.push(entry);
  }
  return polled;
}
