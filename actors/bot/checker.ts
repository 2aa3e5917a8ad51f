/** @module actors/bot/checker — walks the YAML syntax tree with paths and positions, collecting problems instead of throwing. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ScriptProblem } from './script-types';
import { didYouMean } from './text';

/** A place in the script: its path, its node (null when absent or empty) and the node to point at when it is absent. */
export interface Slot {
  path: string;
  node: Node | null;
  at: Node | null;
  /** The key this value sits under, where a missing child is best pointed at. */
  keyNode?: Node;
}

export interface Entry extends Slot {
  key: string;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `${typeof node.value} '${String(node.value)}'`;
  return 'something else';
}

export class Checker {
  readonly problems: ScriptProblem[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  report(slot: Pick<Slot, 'path' | 'node' | 'at'>, message: string): void {
    const path = slot.path || '(top level)';
    const range = (slot.node ?? slot.at)?.range;
    if (!range) {
      this.problems.push({ path, message });
      return;
    }
    const { line, col } = this.lines.linePos(range[0]);
    this.problems.push(line > 0 ? { path, line, column: col, message } : { path, message });
  }

  /** Follows aliases; an empty scalar (`key:` with nothing after it) counts as absent. */
  value(node: unknown): Node | null {
    let current = node as Node | null | undefined;
    if (isAlias(current)) current = (current.resolve(this.doc) as Node | undefined) ?? null;
    if (current === undefined || current === null) return null;
    if (isScalar(current) && current.value === null) return null;
    return current;
  }

  slot(path: string, node: unknown, at: Node | null): Slot {
    const value = this.value(node);
    return { path, node: value, at: value ?? at };
  }

  /** The entries of a mapping; reports a non-mapping, non-string keys and, given `allowed`, unknown keys. */
  entries(slot: Slot, allowed?: readonly string[], explain?: (key: string) => string | undefined): Entry[] | null {
    if (!isMap(slot.node)) {
      this.report(slot, `expected a mapping (key: value), found ${describe(slot.node)}`);
      return null;
    }
    const result: Entry[] = [];
    for (const pair of slot.node.items) {
      const keyNode = this.value(pair.key);
      const key = isScalar(keyNode) ? String(keyNode.value) : null;
      if (key === null) {
        this.report({ path: slot.path, node: keyNode, at: slot.node }, 'keys must be plain names');
        continue;
      }
      const path = join(slot.path, key);
      if (allowed && !allowed.includes(key)) {
        const hint = didYouMean(key, allowed) || ` (expected one of: ${allowed.join(', ')})`;
        this.report({ path, node: keyNode, at: slot.node }, explain?.(key) ?? `unknown key '${key}'${hint}`);
        continue;
      }
      result.push({ key, ...this.slot(path, pair.value, keyNode), keyNode: keyNode ?? undefined });
    }
    return result;
  }

  /** Entries as a lookup, reporting required keys that are missing. */
  fields(slot: Slot, allowed: readonly string[], required: readonly string[] = [], explain?: (key: string) => string | undefined): Map<string, Entry> | null {
    const list = this.entries(slot, allowed, explain);
    if (list === null) return null;
    const byKey = new Map(list.map((entry) => [entry.key, entry]));
    for (const key of required) {
      if (!byKey.has(key) || byKey.get(key)?.node === null) this.missing(slot, key, `'${key}' is required`);
    }
    return byKey;
  }

  /** Reports a child that is absent or empty, pointing at it if it is there, else at its parent's key. */
  missing(parent: Slot, key: string, message: string): void {
    const child = isMap(parent.node) ? parent.node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key) : undefined;
    const at: Node | null = (child?.key as Node | undefined) ?? parent.keyNode ?? parent.node ?? parent.at;
    this.report({ path: join(parent.path, key), node: null, at }, message);
  }

  items(slot: Slot): Slot[] | null {
    if (!isSeq(slot.node)) {
      this.report(slot, `expected a list, found ${describe(slot.node)}`);
      return null;
    }
    return slot.node.items.map((item, index) => this.slot(join(slot.path, index), item, slot.node));
  }

  string(slot: Slot, what = 'text'): string | undefined {
    if (isScalar(slot.node) && typeof slot.node.value === 'string' && slot.node.value.trim() !== '') return slot.node.value;
    this.report(slot, `expected ${what}, found ${describe(slot.node)}`);
    return undefined;
  }

  boolean(slot: Slot): boolean | undefined {
    if (isScalar(slot.node) && typeof slot.node.value === 'boolean') return slot.node.value;
    this.report(slot, `expected true or false, found ${describe(slot.node)}`);
    return undefined;
  }

  oneOf<T extends string>(slot: Slot, options: readonly T[], what: string): T | undefined {
    const text = isScalar(slot.node) ? String(slot.node.value) : undefined;
    if (text !== undefined && (options as readonly string[]).includes(text)) return text as T;
    const hint = text === undefined ? '' : didYouMean(text, options);
    this.report(slot, `${text === undefined ? `expected ${what}, found ${describe(slot.node)}` : `unknown ${what} '${text}'`}${hint}; expected one of: ${options.join(', ')}`);
    return undefined;
  }

  /** A single value or a list of them, as a list (the slots keep each item's position). */
  oneOrMany(slot: Slot): Slot[] {
    if (isSeq(slot.node)) return this.items(slot) ?? [];
    return [slot];
  }
}
