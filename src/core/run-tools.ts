/**
 * The tool loop: ask with tools; while the answer calls tools and steps remain,
 * run the handlers and send their results back. Every step is an ordinary ask,
 * so a loop replays for free and, in batch mode, advances one step per round.
 */
import { type Document, type ToolResultDocument, toolResult } from "../documents/document.js";
import type { Agent } from "./agent.js";
import type { AskOptions } from "./call-options.js";
import { checkRunToolsOptions } from "./check-ask-options.js";
import { InputError, NotAvailable } from "./errors.js";
import type { ToolCall } from "./llm.js";
import { describeIssue, type ResponseHandle } from "./response-handle.js";
import { type InferOutput, isStandardSchema, type SchemaInput, type ToolSpec, type ToolsInput } from "./schema.js";

/** Runs one tool call; may be async. What it returns (or resolves to) is sent back as the tool's output. */
export type ToolHandler<Args = unknown> = (args: Args, call: ToolCall) => unknown;

/** A handler per tool; with tools as a record, each handler's `args` is typed by the tool's zod `parameters`. */
export type ToolHandlers<T extends ToolsInput> = T extends readonly unknown[]
  ? { readonly [name: string]: ToolHandler }
  : { readonly [K in keyof T]: ToolHandler<T[K] extends ToolSpec ? InferOutput<T[K]["parameters"]> : unknown> };

/** Options of `agent.runTools`: the tools, their handlers, a step limit, and any ask option. */
export interface RunToolsOptions<T extends ToolsInput, S extends SchemaInput | undefined = undefined>
  extends Omit<AskOptions<S>, "tools"> {
  readonly tools: T;
  readonly handlers: ToolHandlers<T>;
  /** Most asks (model calls) the loop makes. @default 10 */
  readonly maxSteps?: number | undefined;
}

/** One ask of a tool loop: the answer, the tools it called, and what the handlers returned. */
export interface ToolStep {
  readonly response: ResponseHandle;
  readonly toolCalls: readonly ToolCall[];
  /** Empty for the last step (its tool calls, if any, were not run: `maxSteps` was reached). */
  readonly toolResults: readonly ToolResultDocument[];
}

/** What `agent.runTools` resolves to. */
export interface ToolRun<T = unknown> {
  /** The last answer: the final one, or the one still calling tools when `maxSteps` ran out. */
  readonly response: ResponseHandle<T>;
  readonly steps: readonly ToolStep[];
  /** True when the last answer called no tools; false when `maxSteps` ran out. */
  readonly done: boolean;
}

/** The loop behind `agent.runTools`; see there. */
export async function runTools<T extends ToolsInput, S extends SchemaInput | undefined = undefined>(
  agent: Agent,
  prompt: Document | readonly Document[],
  options: RunToolsOptions<T, S>,
): Promise<ToolRun<S extends undefined ? unknown : InferOutput<S>>> {
  checkRunToolsOptions(options as RunToolsOptions<ToolsInput, undefined>);
  const { handlers, maxSteps = 10, ...askOptions } = options;
  const specs = toolSpecs(options.tools, handlers as Readonly<Record<string, ToolHandler>>);
  const documents: Document[] = Array.isArray(prompt) ? [...(prompt as readonly Document[])] : [prompt as Document];
  const steps: ToolStep[] = [];
  for (;;) {
    const response = agent.ask(documents, askOptions as AskOptions<S>);
    const toolCalls = await response.toolCalls();
    if (toolCalls.length === 0 || steps.length + 1 >= maxSteps) {
      steps.push({ response, toolCalls, toolResults: [] });
      return { response, steps, done: toolCalls.length === 0 };
    }
    const toolResults = await Promise.all(toolCalls.map((call) => runHandler(call, specs)));
    steps.push({ response, toolCalls, toolResults });
    documents.push(response, ...toolResults);
  }
}

// --- internal ---

interface Tool {
  readonly spec: ToolSpec;
  readonly handler: ToolHandler;
}

/** Each tool with its handler; a tool without a handler (or a handler without a tool) is a mistake. */
function toolSpecs(tools: ToolsInput, handlers: Readonly<Record<string, ToolHandler>>): Map<string, Tool> {
  const entries: [string, ToolSpec][] = Array.isArray(tools)
    ? (tools as readonly (ToolSpec & { name: string })[]).map((tool) => [tool.name, tool])
    : Object.entries(tools as Readonly<Record<string, ToolSpec>>);
  const byName = new Map<string, Tool>();
  for (const [name, spec] of entries) {
    const handler = handlers?.[name];
    if (typeof handler !== "function") {
      throw new InputError(`runTools: tool "${name}" has no handler; pass handlers: { ${name}: (args) => ... }.`);
    }
    byName.set(name, { spec, handler });
  }
  for (const name of Object.keys(handlers ?? {})) {
    if (!byName.has(name)) {
      throw new InputError(`runTools: handler "${name}" has no tool of that name; add it to tools or remove it.`);
    }
  }
  return byName;
}

/** The tool's output, or its failure as an error result the model can read. Halting (batch) passes through. */
async function runHandler(call: ToolCall, tools: Map<string, Tool>): Promise<ToolResultDocument> {
  const tool = tools.get(call.name);
  if (!tool) {
    const known = [...tools.keys()].join(", ");
    return toolResult(call.id, call.name, `There is no tool "${call.name}"; the tools are: ${known}.`, true);
  }
  try {
    const args = await validArguments(tool.spec, call);
    return toolResult(call.id, call.name, await tool.handler(args, call));
  } catch (error) {
    if (error instanceof NotAvailable) throw error;
    return toolResult(call.id, call.name, error instanceof Error ? error.message : String(error), true);
  }
}

/** The arguments, checked (and transformed) by the tool's schema when it is a zod (Standard) schema. */
async function validArguments(spec: ToolSpec, call: ToolCall): Promise<unknown> {
  if (!isStandardSchema(spec.parameters)) return call.args;
  const outcome = await spec.parameters["~standard"].validate(call.args);
  if (!outcome.issues) return outcome.value;
  const problems = outcome.issues.slice(0, 5).map(describeIssue).join("; ");
  throw new Error(`Invalid arguments for ${call.name}: ${problems}`);
}
