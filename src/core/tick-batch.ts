/**
 * Requests made in one turn of the event loop, sent as one bulk request (the
 * DataLoader pattern): a replay of many agents at once pays one round trip per
 * turn instead of one per ask, and so do the claims of the calls sent at once.
 */
export class TickBatch<Key, Value> {
  readonly #read: (keys: readonly Key[]) => Promise<readonly Value[]>;
  readonly #maxKeys: number;
  #waiting: { key: Key; resolve: (value: Value) => void; reject: (error: unknown) => void }[] = [];

  /** `read` resolves to one value per key, in their order; at most `maxKeys` keys go in one read. */
  constructor(read: (keys: readonly Key[]) => Promise<readonly Value[]>, maxKeys: number) {
    this.#read = read;
    this.#maxKeys = maxKeys;
  }

  /** The value of `key`, read with the other keys asked for in this turn. */
  get(key: Key): Promise<Value> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#flush());
      this.#waiting.push({ key, resolve, reject });
    });
  }

  #flush(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (let start = 0; start < waiting.length; start += this.#maxKeys) {
      const part = waiting.slice(start, start + this.#maxKeys);
      this.#read(part.map((entry) => entry.key)).then(
        (values) => {
          for (const [index, entry] of part.entries()) entry.resolve(values[index]!);
        },
        (error: unknown) => {
          for (const entry of part) entry.reject(error);
        },
      );
    }
  }
}
