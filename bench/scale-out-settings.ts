/** The scale-out benchmark's workload, shared by its runner and its workers. */
export const asks = 4000;
/** Requests in flight per worker. */
export const concurrency = 50;
/** The fake server's latency: it dominates, as a real provider's does. */
export const latencyMs = 500;
