/**
 * Pinned node keys for an offline audit (docs/FORMAT.md, "Pins"): the fingerprints a verifier
 * obtained out of band (as `parley peer self` prints them), per party. An export names its own
 * node keys, so without pins anyone who can write the file can also re-sign it with keys of
 * their own; pins are what ties the file to the parties.
 *
 * Given on the command line as `--pin PARTY=FINGERPRINT`, or in a trust file of lines
 * `PARTY FINGERPRINT` (blank lines and lines starting with `#` are ignored). Throws
 * ParleyError `bad_request` naming the bad pin or line.
 */
import { readFileSync } from 'node:fs';
import { ParleyError } from '../../core/errors.js';
import { PARTY_PATTERN } from '../../core/model.js';

/** `SHA256:` and 16 bytes of hex in groups of four (core/keys.ts `fingerprint`). */
const FINGERPRINT = /^SHA256:[0-9a-f]{4}(:[0-9a-f]{4}){7}$/;

export type Pins = Map<string, string>;

function addPin(pins: Pins, party: string, fingerprint: string, where: string): void {
  if (!PARTY_PATTERN.test(party))
    throw new ParleyError('bad_request', `${where}: '${party}' is not a party id`);
  // The prefix and hex digits are compared without regard to case.
  const trimmed = fingerprint.trim();
  const canonical = /^sha256:/i.test(trimmed) ? `SHA256:${trimmed.slice(7).toLowerCase()}` : trimmed;
  if (!FINGERPRINT.test(canonical)) {
    throw new ParleyError(
      'bad_request',
      `${where}: '${fingerprint}' is not a node key fingerprint (SHA256:xxxx:...:xxxx, as \`parley peer self\` prints it)`,
    );
  }
  const existing = pins.get(party);
  if (existing !== undefined && existing !== canonical) {
    throw new ParleyError('bad_request', `${where}: ${party} is pinned to two different fingerprints`);
  }
  pins.set(party, canonical);
}

/** Parses `PARTY=FINGERPRINT` options. */
export function parsePinOptions(options: readonly string[], pins: Pins = new Map()): Pins {
  for (const option of options) {
    const at = option.indexOf('=');
    if (at < 1) throw new ParleyError('bad_request', `--pin ${option}: expected PARTY=FINGERPRINT`);
    addPin(pins, option.slice(0, at), option.slice(at + 1), `--pin ${option}`);
  }
  return pins;
}

/** Parses a trust file's text (lines `PARTY FINGERPRINT`). */
export function parseTrustText(text: string, name: string, pins: Pins = new Map()): Pins {
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new ParleyError('bad_request', `${name}:${index + 1}: expected 'PARTY FINGERPRINT'`);
    }
    addPin(pins, parts[0]!, parts[1]!, `${name}:${index + 1}`);
  });
  return pins;
}

export function readTrustFile(path: string, pins: Pins = new Map()): Pins {
  return parseTrustText(readFileSync(path, 'utf8'), path, pins);
}
