/**
 * The report of an offline audit: what was checked, every failure named by a stable rule code
 * (docs/FORMAT.md, "Verification rules"), warnings about what could not be established (keys
 * not pinned, an old export format), and the node keys that were trusted.
 */
import type { VerifyFailure } from '../../core/verify-chain.js';

/** Rules checked by the audit on top of the per-chain rules of core/verify-chain.ts. */
export type AuditRule =
  /** A pinned fingerprint differs from the node key the file names for that party. */
  | 'pin_mismatch'
  /** `--require-pins`: a party's node key was not pinned. */
  | 'key_not_pinned'
  /** A chain with entries has no signed checkpoint. */
  | 'checkpoint_missing'
  /** A party of the signed charter has no chain in the export though the export shows it wrote. */
  | 'chain_missing'
  /** No charter entry (entry 0 of the proposing party's chain) in the export. */
  | 'charter_missing'
  /** An entry names (`seen`, `of`…) an entry the export does not hold. */
  | 'reference_missing'
  /** An entry names another by a hash that differs from that entry's. */
  | 'reference_hash_mismatch'
  /** A signature line by a key the verifier knows fails on a checkpoint or cosignature. */
  | 'signature_line_invalid'
  /** A witness cosignature does not verify or covers a root the entries do not give. */
  | 'cosignature_invalid'
  /** A checkpoint or cosignature covers more entries than the export holds. */
  | 'checkpoint_ahead'
  /** A consistency proof between consecutive checkpoints is missing or does not verify. */
  | 'consistency_proof_invalid'
  /** An entry's signed object has a field outside the documented envelope. */
  | 'envelope_field_unknown'
  /** An export line has a field outside the documented layout. */
  | 'export_field_unknown'
  /** The node key a party's first entry names differs from the node key the file lists. */
  | 'node_key_mismatch'
  /** A key published for, or an entry signed by a person of, an office the charter does not list for that party. */
  | 'office_not_in_charter';

export interface AuditFailure {
  /** `<channel>/<party>/<seq>`, `<channel>/<party>` for chain-level failures, `<channel>` else. */
  entry: string;
  rule: VerifyFailure['rule'] | AuditRule;
  message: string;
}

export interface AuditWarning {
  code:
    | 'keys_not_pinned'
    | 'format_outdated'
    | 'chain_absent'
    | 'chain_outside_charter'
    | 'pin_unused'
    /** An authentic entry that a workflow's rules give no effect (workflow-rules.ts). */
    | 'entry_without_effect'
    /** A channel whose workflow rules could not be applied (an entry the folds cannot read). */
    | 'workflow_rules_unchecked';
  /** `<channel>/<party>/<seq>` (or `<channel>`) for warnings about an entry. */
  entry?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Export format read, for `--file`. */
  format?: string;
  channels: number;
  chains: number;
  entries: number;
  failures: AuditFailure[];
  warnings: AuditWarning[];
  /** Node keys the verification trusted, so an operator can compare fingerprints out of band. */
  nodeKeys: Record<string, string>;
  /** For `--file`: parties whose node key matched a pin, and those whose key was not pinned. */
  pins?: { pinned: string[]; unpinned: string[] };
  seconds: number;
}
