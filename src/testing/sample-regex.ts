/**
 * A string that matches a regular expression, for the offline providers'
 * structured-output answers (`pattern` in JSON Schema). Covers what schema
 * patterns use: literals, escapes (`\d`, `\w`, `\s`), classes and ranges,
 * groups, alternation, quantifiers and anchors. Lookaround is skipped while
 * generating and checked after (a few tries); word boundaries and
 * backreferences are not covered: `undefined` then.
 */

/**
 * A string matching `pattern`; `choose(count, attempt)` makes each choice (an
 * index below `count`). Undefined when the pattern is not covered.
 */
export function sampleRegex(pattern: string, choose: (count: number, attempt: number) => number): string | undefined {
  try {
    const parser = new _Parser(pattern);
    const tree = parser.alternation();
    if (!parser.atEnd()) return undefined;
    const regex = new RegExp(pattern, "u");
    for (let attempt = 0; attempt < _attempts; attempt++) {
      const text = _render(tree, (count) => choose(count, attempt));
      if (regex.test(text)) return text;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

// --- internal ---

type _Node =
  | { readonly kind: "set"; readonly characters: string }
  | { readonly kind: "choice"; readonly branches: readonly (readonly _Node[])[] }
  | { readonly kind: "repeat"; readonly node: _Node; readonly min: number; readonly max: number };

const digits = "0123456789";
const wordCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
/** What `.` and negated classes pick from. */
const printable = `${wordCharacters} -.:@/`;
/** Unbounded quantifiers repeat at most this many times more than their minimum. */
const extraRepeats = 2;
/** Tries at a pattern whose lookaround the rendering skipped. */
const _attempts = 8;

function _render(node: _Node, choose: (count: number) => number): string {
  switch (node.kind) {
    case "set":
      return node.characters[choose(node.characters.length)] ?? "";
    case "choice": {
      const branch = node.branches[choose(node.branches.length)] ?? [];
      return branch.map((part) => _render(part, choose)).join("");
    }
    case "repeat": {
      const max = Math.min(node.max, node.min + extraRepeats);
      const count = node.min + choose(max - node.min + 1);
      return Array.from({ length: count }, () => _render(node.node, choose)).join("");
    }
  }
}

class _Parser {
  #position = 0;
  readonly #pattern: string;

  constructor(pattern: string) {
    this.#pattern = pattern;
  }

  atEnd(): boolean {
    return this.#position >= this.#pattern.length;
  }

  alternation(): _Node {
    const branches = [this.#sequence()];
    while (this.#peek() === "|") {
      this.#position++;
      branches.push(this.#sequence());
    }
    return { kind: "choice", branches };
  }

  #sequence(): _Node[] {
    const parts: _Node[] = [];
    while (!this.atEnd() && this.#peek() !== "|" && this.#peek() !== ")") {
      const atom = this.#atom();
      const [min, max] = this.#quantifier();
      parts.push(min === 1 && max === 1 ? atom : { kind: "repeat", node: atom, min, max });
    }
    return parts;
  }

  #atom(): _Node {
    const character = this.#next();
    switch (character) {
      case "^":
      case "$":
        return { kind: "choice", branches: [[]] };
      case ".":
        return { kind: "set", characters: printable };
      case "(": {
        const lookaround = /^\?<?[=!]/.exec(this.#pattern.slice(this.#position));
        if (lookaround) this.#position += lookaround[0].length;
        else if (this.#pattern.startsWith("?:", this.#position)) this.#position += 2;
        else if (this.#peek() === "?") throw new Error("named groups are not covered");
        const group = this.alternation();
        if (this.#next() !== ")") throw new Error("unclosed group");
        // A lookaround matches no characters: it is checked on the whole string instead.
        return lookaround ? { kind: "choice", branches: [[]] } : group;
      }
      case "[":
        return this.#characterClass();
      case "\\":
        return this.#escape(this.#next());
      default:
        return { kind: "set", characters: character };
    }
  }

  #characterClass(): _Node {
    const negated = this.#peek() === "^";
    if (negated) this.#position++;
    let members = "";
    while (this.#peek() !== "]") {
      let low = this.#next();
      if (low === "\\") {
        const escaped = this.#next();
        const set = _escapeSet(escaped);
        if (set !== undefined) {
          members += set;
          continue;
        }
        low = escaped;
      }
      if (this.#peek() === "-" && this.#pattern[this.#position + 1] !== "]") {
        this.#position++;
        let high = this.#next();
        if (high === "\\") high = this.#next();
        for (let code = low.charCodeAt(0); code <= high.charCodeAt(0); code++) members += String.fromCharCode(code);
      } else {
        members += low;
      }
    }
    this.#position++;
    const characters = negated ? [...printable].filter((entry) => !members.includes(entry)).join("") : members;
    return { kind: "set", characters };
  }

  #escape(character: string): _Node {
    if (character === "b" || character === "B") throw new Error("word boundaries are not covered");
    if (/[1-9k]/.test(character)) throw new Error("backreferences are not covered");
    return { kind: "set", characters: _escapeSet(character) ?? character };
  }

  /** The repeat range after an atom: `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` (a lazy `?` after it changes nothing here). */
  #quantifier(): [number, number] {
    const character = this.#peek();
    let range: [number, number];
    if (character === "*") range = [0, Number.POSITIVE_INFINITY];
    else if (character === "+") range = [1, Number.POSITIVE_INFINITY];
    else if (character === "?") range = [0, 1];
    else {
      const match = character === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(this.#pattern.slice(this.#position)) : null;
      if (!match) return [1, 1];
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
      this.#position += match[0].length - 1;
      range = [min, max];
    }
    this.#position++;
    if (this.#peek() === "?") this.#position++;
    return range;
  }

  #peek(): string {
    return this.#pattern[this.#position] ?? "";
  }

  #next(): string {
    const character = this.#pattern[this.#position];
    if (character === undefined) throw new Error("unexpected end of pattern");
    this.#position++;
    return character;
  }
}

function _escapeSet(character: string): string | undefined {
  if (character === "d") return digits;
  if (character === "w") return wordCharacters;
  if (character === "s") return " ";
  return undefined;
}
