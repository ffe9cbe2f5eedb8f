/**
 * A provider SDK, imported when its provider first makes a call: a run that
 * replays, or uses another provider, never loads it (the three SDKs are most of
 * a cold start: ~250 ms and ~45 MB).
 */
export interface LazyModule<Module> {
  /** Imports the module on the first call. */
  load(): Promise<Module>;
  /** The module once loaded: an error can only be one of its classes if it was. */
  readonly loaded: Module | undefined;
}

export function lazyModule<Module>(importModule: () => Promise<Module>): LazyModule<Module> {
  let loading: Promise<Module> | undefined;
  let module: Module | undefined;
  return {
    load() {
      loading ??= importModule().then((imported) => {
        module = imported;
        return imported;
      });
      return loading;
    },
    get loaded() {
      return module;
    },
  };
}

/**
 * `create()` once, shared by every call; a failed attempt (a missing key) is not
 * kept, so each call reports it and a later call may succeed.
 */
export function sharedClient<Client>(create: () => Promise<Client>): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  return () => {
    client ??= create().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
}
