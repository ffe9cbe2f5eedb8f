/**
 * One process per SQLite workspace: a lock file beside the store
 * (`store.sqlite.lock`) names its holder (pid, host, start time). A second
 * process fails fast with a message naming the holder, or waits for it. A lock
 * left by a process that died is taken over: on the same host a pid that is
 * no longer alive cannot be holding it.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { StoreError } from "../../core/errors.js";

/** What a lock file says about the process holding it. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the holder took the lock (milliseconds since the epoch). */
  readonly since: number;
}

export interface WorkspaceLockOptions {
  /**
   * `"fail"`: throw a `StoreError` naming the holder at once.
   * `"wait"`: poll until the holder closes the workspace or dies.
   * @default "fail"
   */
  readonly mode?: "fail" | "wait";
  /** Milliseconds between two looks at a held lock while waiting. @default 200 */
  readonly pollMs?: number;
}

/** A held workspace lock; `release()` removes the lock file if it is still ours. */
export interface WorkspaceLock {
  readonly path: string;
  release(): void;
}

/**
 * Take the lock at `path` (a file that must not be anything else).
 *
 * @throws StoreError when another live process holds it (mode `"fail"`), or the
 *   directory cannot be written (read-only workspace, full disk).
 *
 * @example
 * const lock = await acquireWorkspaceLock(".pllm/t/store.sqlite.lock");
 * try { ... } finally { lock.release(); }
 */
export async function acquireWorkspaceLock(path: string, options: WorkspaceLockOptions = {}): Promise<WorkspaceLock> {
  const pollMs = options.pollMs ?? 200;
  for (;;) {
    const attempt = _tryAcquire(path);
    if ("lock" in attempt) return attempt.lock;
    if ("holder" in attempt) {
      if (options.mode !== "wait") throw _heldError(path, attempt.holder);
      await _sleep(pollMs);
    } else {
      // Another process is writing its lock file or clearing a stale one: microseconds.
      await _sleep(5);
    }
  }
}

// --- internal ---

/** Milliseconds after which a lock file that cannot be read counts as abandoned (its writer died before writing it). */
const _unreadableStaleMs = 5000;

/** Locks this process holds, by path, with their tokens: released at exit. */
const _held = new Map<string, string>();
let _exitHookInstalled = false;

type Attempt = { readonly lock: WorkspaceLock } | { readonly holder: LockHolder } | { readonly busy: true };

/** The live process holding the lock at `path`; `undefined` when none does (no lock file, or a stale one). */
export function lockHolder(path: string): LockHolder | undefined {
  const holder = _read(path)?.holder;
  return holder && !_isStale(path, holder) ? holder : undefined;
}

function _tryAcquire(path: string): Attempt {
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: Date.now() };
  if (_createExclusive(path, JSON.stringify({ ...holder, token }))) {
    _held.set(path, token);
    _installExitHook();
    return { lock: { path, release: () => _release(path, token) } };
  }
  const found = _read(path);
  if (found === undefined) return { busy: true };
  const current = found.holder;
  if (current && !_isStale(path, current)) return { holder: current };
  if (!current && Date.now() - found.modifiedAt < _unreadableStaleMs) return { busy: true };
  _removeStale(path, found.raw);
  return { busy: true };
}

/** Create `path` with `content`; false when it exists. */
function _createExclusive(path: string, content: string): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw _fileError(path, error);
  }
  try {
    writeSync(descriptor, content);
  } catch (error) {
    closeSync(descriptor);
    unlinkSync(path);
    throw _fileError(path, error);
  }
  closeSync(descriptor);
  return true;
}

function _read(
  path: string,
): { readonly raw: string; readonly holder: LockHolder | undefined; readonly modifiedAt: number } | undefined {
  let raw: string;
  let modifiedAt: number;
  try {
    modifiedAt = statSync(path).mtimeMs;
    raw = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw _fileError(path, error);
  }
  return { raw, holder: _parse(raw), modifiedAt };
}

function _parse(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid === "number" && typeof value.host === "string" && typeof value.since === "number") {
      return { pid: value.pid, host: value.host, since: value.since };
    }
  } catch {
    // Being written, or garbage: the caller decides by the file's age.
  }
  return undefined;
}

/**
 * Stale: held on this host by a pid that is gone, or by our own pid from before
 * this process started (an earlier process that had the same pid, as in a
 * restarted container).
 */
function _isStale(path: string, holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !_held.has(path) && holder.since < Date.now() - process.uptime() * 1000;
  return !_isAlive(holder.pid);
}

function _isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Remove the stale lock whose content was `staleRaw`. Two processes may find
 * the same stale lock: a guard file lets one at a time look again and remove
 * it, so a lock taken meanwhile by the other (new content) is never removed.
 * Not covered: a taker dying within the few system calls it holds the guard
 * while two others race to clear that guard.
 */
function _removeStale(path: string, staleRaw: string): void {
  const guard = `${path}.takeover`;
  if (!_createExclusive(guard, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }))) {
    _clearAbandonedGuard(guard);
    return;
  }
  try {
    if (_read(path)?.raw === staleRaw) _unlinkQuietly(path);
  } finally {
    _unlinkQuietly(guard);
  }
}

/** A guard is held for a few system calls; one left behind by a taker that died is removed. */
function _clearAbandonedGuard(guard: string): void {
  const found = _read(guard);
  if (found === undefined) return;
  const abandoned = found.holder
    ? found.holder.host === hostname() && !_isAlive(found.holder.pid)
    : Date.now() - found.modifiedAt >= _unreadableStaleMs;
  if (abandoned) _unlinkQuietly(guard);
}

function _release(path: string, token: string): void {
  if (_held.get(path) !== token) return;
  _held.delete(path);
  try {
    // Only our own lock: never remove one another process took over.
    if (readFileSync(path, "utf8").includes(`"token":"${token}"`)) unlinkSync(path);
  } catch {
    // Already gone, or the directory went away: nothing left to release.
  }
}

function _installExitHook(): void {
  if (_exitHookInstalled) return;
  _exitHookInstalled = true;
  process.on("exit", () => {
    for (const [path, token] of [..._held]) _release(path, token);
  });
}

function _unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Someone else removed it first.
  }
}

function _heldError(path: string, holder: LockHolder): StoreError {
  const here = holder.host === hostname();
  const self = here && holder.pid === process.pid ? " (this process: close the other Parallellm first)" : "";
  const remote = here ? "" : ` If that process no longer runs, delete ${path} and open the workspace again.`;
  return new StoreError(
    `[parallellm] [sqlite] The workspace is in use by process ${holder.pid} on host ${holder.host}${self} since ${new Date(holder.since).toISOString()} (lock ${path}). Wait for it to finish or stop it, or pass lock: "wait" to wait for it.${remote}`,
  );
}

function _fileError(path: string, error: unknown): StoreError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new StoreError(
      `[parallellm] [sqlite] Cannot write the lock file ${path} (${code}): the workspace is read-only. Open it from a directory you can write to, or copy it to one.`,
      { cause: error },
    );
  }
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new StoreError(
      `[parallellm] [sqlite] Cannot write the lock file ${path} (${code}): the disk is full. Free some space and open the workspace again.`,
      { cause: error },
    );
  }
  return new StoreError(`[parallellm] [sqlite] Cannot use the lock file ${path}: ${(error as Error).message}`, {
    cause: error,
  });
}

function _sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
