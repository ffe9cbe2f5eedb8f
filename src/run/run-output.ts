/**
 * Where a run's output goes: user log lines and log records (above the live
 * dashboard while it runs) and the summary.
 */
import { createDashboard, type Dashboard, type ProgressSnapshot } from "../dashboard/dashboard.js";
import type { ParallellmOptions } from "../parallellm-options.js";

export class RunOutput {
  /** Prints a line where the summary goes: stderr, the user's function, or nowhere. */
  readonly say: (text: string) => void;
  #dashboard: Dashboard | undefined;

  constructor(summary: ParallellmOptions["summary"]) {
    const output = summary ?? true;
    if (output === false) this.say = () => {};
    else if (typeof output === "function") this.say = output;
    else this.say = (text) => process.stderr.write(`${text}\n`);
  }

  /** The live dashboard (progress lines off a terminal), unless `dashboard` or `summary` is off. */
  startDashboard(options: ParallellmOptions, snapshot: () => ProgressSnapshot): void {
    const setting = options.dashboard ?? true;
    if (setting === false || options.summary === false) return;
    this.#dashboard = createDashboard({ snapshot, ...(typeof setting === "object" ? setting : {}) });
  }

  /** Stop redrawing and clear the panel (the summary follows). */
  stopDashboard(): void {
    this.#dashboard?.stop();
    this.#dashboard = undefined;
  }

  /** A log record's line: on stderr (the dashboard's stream while it runs), above the live panel instead of tearing it. */
  note(text: string): void {
    if (this.#dashboard) this.#dashboard.note(text);
    else process.stderr.write(`${text}\n`);
  }

  /** A line of user output: above the live panel instead of tearing it. */
  log(text: string): void {
    if (this.#dashboard) this.#dashboard.log(text);
    else process.stdout.write(`${text}\n`);
  }
}
