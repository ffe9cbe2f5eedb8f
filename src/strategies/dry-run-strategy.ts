/**
 * `dry-run`: collects like `batch` and sends nothing, not even asks that
 * bypass the store; at close the collected calls are counted and priced.
 */
import { dryRunReport } from "../batch/dry-run-report.js";
import { BatchStrategy } from "./batch-strategy.js";
import type { StrategyReport } from "./strategy.js";

export class DryRunStrategy extends BatchStrategy {
  constructor() {
    super({}, "dry-run");
  }

  override decide(): "collect" {
    return "collect";
  }

  override async close(): Promise<StrategyReport> {
    return { dryRun: await dryRunReport(this.takeCollected()) };
  }
}
