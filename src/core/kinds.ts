/**
 * The kind registry: what an entry's `body` may contain, who may author it, and which single
 * entry (if any) it points at. A workflow adds a kind by defining it (its own zod schema and
 * rules) and listing it; the node, the receiver and the verifier are handed the list.
 */
import type { z } from 'zod';
import type { CanonicalValue } from './canonical-json.js';
import { plainIssue, type ValidationIssue } from './plain-issue.js';

export interface KindDefinition<Body = unknown> {
  name: string;
  /** Who signs entries of this kind: the node key, or a principal's key. */
  authoredBy: 'node' | 'principal';
  /** The body schema; unknown fields are rejected. */
  schema: z.ZodType<Body>;
  /** Whether recipients are expected to acknowledge it with a receipt. */
  expectsReceipt: boolean;
  /** The entry this one points at, as `<party>/<seq>`, or null. */
  ref(body: Body): string | null;
  /** One line for listings. */
  summary(body: Body): string;
  /**
   * Rules that need the channel's log (the entry referred to exists, the caller may answer it,
   * a passage is in range…). Runs before a person's entry is signed; throws KindRuleError.
   */
  check?(context: KindCheckContext, body: Body): Promise<void>;
  /**
   * Rules on the body against the entry's own timestamp (`at`, the wall time of its hlc, ms):
   * deterministic and free of the log, so every node applies them alike, before signing, on
   * receipt from a peer and in `parley verify`. Returns a message naming the field, or null.
   */
  timed?(body: Body, at: number): string | null;
}

/** Where an entry sits and who wrote it: what every view naming an entry starts from. */
export interface EntryPosition {
  /** `<channel>/<party>/<seq>`. */
  id: string;
  party: string;
  seq: number;
  hash: string;
  kind: string;
  author: string;
}

/** The position of an entry alone, for a view that names it (a plain copy: no body or envelope). */
export function positionOf(entry: EntryPosition): EntryPosition {
  const { id, party, seq, hash, kind, author } = entry;
  return { id, party, seq, hash, kind, author };
}

/** An entry as kind rules see it: decoded, with where it sits. */
export interface LoggedEntry extends EntryPosition {
  precedence: string;
  lang: string;
  hlc: string;
  marking?: string;
  body: Record<string, CanonicalValue>;
}

/** What a kind rule may read: the channel, the acting person and the channel's log. */
export interface KindCheckContext {
  channel: {
    id: string;
    parties: Record<string, string[]>;
    observers: Record<string, string[]>;
    languages: string[];
  };
  /** The party of the node that signs the entry. */
  party: string;
  /** The parties whose chains have begun (their people can sign now), see membership.ts. */
  parties(): Promise<string[]>;
  actor: { id: string; office: string | null; role: string };
  /** The envelope of the entry being checked (its body is the hook's second argument). */
  entry?: { lang: string; precedence: string; marking?: string };
  getEntry(party: string, seq: number): Promise<LoggedEntry | null>;
  /** Entries of `kind` whose ref is `<party>/<seq>`, in storage order. */
  listByRef(kind: string, ref: string): Promise<LoggedEntry[]>;
  /** Entries of `kind` in the channel, in storage order. */
  listByKind(kind: string): Promise<LoggedEntry[]>;
}

/** A kind rule refused an entry; `code` is one of the node's error codes (errors.ts). */
export class KindRuleError extends Error {
  override readonly name = 'KindRuleError';
  constructor(
    readonly code:
      'ref_invalid' | 'entry_not_found' | 'body_invalid' | 'forbidden' | 'already_exists' | 'state_conflict',
    message: string,
  ) {
    super(message);
  }
}

/** Types one kind's definition; a workflow lists its kinds in an array of these. */
export function defineKind<Body>(definition: KindDefinition<Body>): KindDefinition {
  return definition as KindDefinition;
}

export type BodyCheck = { ok: true; body: Record<string, CanonicalValue> } | { ok: false; message: string };

/**
 * The kinds one node knows, given explicitly (workflows/all-kinds.ts lists them) to the node,
 * the receiver and the verifier, so that every entrance checks entries against the same list.
 */
export class KindRegistry {
  private readonly kinds = new Map<string, KindDefinition>();

  constructor(definitions: readonly KindDefinition[]) {
    for (const definition of definitions) {
      if (this.kinds.has(definition.name)) throw new Error(`kind '${definition.name}' is listed twice`);
      this.kinds.set(definition.name, definition);
    }
  }

  get(name: string): KindDefinition | undefined {
    return this.kinds.get(name);
  }

  list(): KindDefinition[] {
    return [...this.kinds.values()];
  }

  /** Validates a body against its kind's schema; the message names the first bad field. */
  checkBody(kind: string, body: unknown): BodyCheck {
    const definition = this.kinds.get(kind);
    if (!definition) return { ok: false, message: `unknown kind '${kind}'` };
    const result = definition.schema.safeParse(body);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return { ok: false, message: `${where}: ${plainIssue(issue as ValidationIssue)}` };
    }
    return { ok: true, body: result.data as Record<string, CanonicalValue> };
  }
}
