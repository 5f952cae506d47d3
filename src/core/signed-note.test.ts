/**
 * Tests for C2SP signed notes and tlog-cosignature v1: the published golang.org/x/mod sumdb note
 * vectors (key IDs, verifier keys, a byte-exact deterministic Ed25519 signature, Open cases) and
 * the C2SP spec examples, then round trips, cosigning and tamper cases with fresh keys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointFormatError, formatCheckpoint } from './checkpoint.js';
import { generateKeyPair } from './keys.js';
import { emptyRoot } from './merkle.js';
import {
  InvalidVerifierKeyError,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  SignedNoteFormatError,
  UnverifiedNoteError,
  addNoteSignature,
  cosignCheckpoint,
  cosignatureMessage,
  formatVerifierKey,
  noteKeyId,
  openNote,
  parseVerifierKey,
  requireSignature,
  signNote,
} from './signed-note.js';

interface Fixture {
  source: string;
  sumdb: {
    peterVerifierKey: string;
    peterSignerKey: string;
    enochVerifierKey: string;
    text: string;
    peterSignatureLine: string;
    enochSignatureLine: string;
    badVerifierKeys: string[];
  };
  c2spSignedNote: { verifierKey: string; note: string };
  c2spQuasimodo: { note: string; text: string };
  c2spCosignature: { note: string; timestamp: number; signedMessage: string };
}

const fx = JSON.parse(
  readFileSync(new URL('../../test/fixtures/signed-note-vectors.json', import.meta.url), 'utf8'),
) as Fixture;
const { sumdb } = fx;

// RFC 8410 PKCS#8 wrapping of a raw Ed25519 seed, so the published sumdb signer key can be used.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function sumdbSignerToPkcs8(skey: string): { name: string; privateKey: string } {
  const parts = skey.split('+');
  expect(parts.slice(0, 2)).toEqual(['PRIVATE', 'KEY']);
  const material = Buffer.from(parts.slice(4).join('+'), 'base64');
  expect(material[0]).toBe(SIG_TYPE_ED25519);
  const seed = material.subarray(1);
  expect(seed.length).toBe(32);
  return { name: parts[2]!, privateKey: Buffer.concat([PKCS8_ED25519_PREFIX, seed]).toString('base64') };
}

const peter = parseVerifierKey(sumdb.peterVerifierKey);
const enoch = parseVerifierKey(sumdb.enochVerifierKey);
const peterNote = `${sumdb.text}\n${sumdb.peterSignatureLine}`;

describe('published golang.org/x/mod sumdb note vectors', () => {
  it('names its sources', () => {
    expect(fx.source).toMatch(/golang\.org\/x\/mod/);
    expect(fx.source).toMatch(/C2SP/);
  });

  it('computes the published key IDs and verifier keys', () => {
    expect(peter).toMatchObject({ name: 'PeterNeumann', keyId: 'c74f20a3', type: SIG_TYPE_ED25519 });
    expect(noteKeyId('PeterNeumann', peter.publicKey).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey('PeterNeumann', peter.publicKey)).toBe(sumdb.peterVerifierKey);
    expect(enoch.keyId).toBe('af0cfe78');
    expect(formatVerifierKey(enoch.name, enoch.publicKey)).toBe(sumdb.enochVerifierKey);
  });

  it('rejects the published bad verifier keys and manglings of the good one', () => {
    for (const bad of sumdb.badVerifierKeys)
      expect(() => parseVerifierKey(bad)).toThrow(InvalidVerifierKeyError);
    const vkey = sumdb.peterVerifierKey;
    for (let i = 0; i < vkey.length; i++) {
      expect(() => parseVerifierKey(vkey.slice(0, i))).toThrow(InvalidVerifierKeyError);
      const mangled = vkey.slice(0, i) + String.fromCharCode(vkey.charCodeAt(i) + 1) + vkey.slice(i + 1);
      expect(() => parseVerifierKey(mangled)).toThrow(InvalidVerifierKeyError);
    }
  });

  it('reproduces the published signature byte for byte (Ed25519 is deterministic)', () => {
    const signer = sumdbSignerToPkcs8(sumdb.peterSignerKey);
    expect(signer.name).toBe('PeterNeumann');
    expect(signNote(sumdb.text, signer.name, signer.privateKey)).toBe(peterNote);
    // Re-signing replaces the existing signature from the same key instead of duplicating it.
    expect(addNoteSignature(peterNote, signer.name, signer.privateKey)).toBe(peterNote);
  });

  it('opens the published note: verified with the key, reported but untrusted without it', () => {
    const note = `${sumdb.text}\n${sumdb.peterSignatureLine}${sumdb.enochSignatureLine}`;
    const one = openNote(note, [{ name: peter.name, publicKey: peter.publicKey }]);
    expect(one.text).toBe(sumdb.text);
    expect(one.signatures).toEqual([
      { name: 'PeterNeumann', keyId: 'c74f20a3', verified: true, type: SIG_TYPE_ED25519 },
      { name: 'EnochRoot', keyId: 'af0cfe78', verified: false },
    ]);
    const both = openNote(note, [peter, enoch]);
    expect(both.signatures.map((s) => s.verified)).toEqual([true, true]);
    const none = openNote(note, []);
    expect(none.signatures.map((s) => s.verified)).toEqual([false, false]);
    expect(() => requireSignature(none, 'PeterNeumann')).toThrow(UnverifiedNoteError);
    requireSignature(both, 'EnochRoot');
  });

  it('ignores keys that share only the name or only the key ID', () => {
    const other = generateKeyPair().publicKey;
    const opened = openNote(peterNote, [
      { name: 'PeterNeumann', publicKey: other },
      { name: 'CarmenSandiego', publicKey: peter.publicKey },
    ]);
    expect(opened.signatures).toEqual([{ name: 'PeterNeumann', keyId: 'c74f20a3', verified: false }]);
  });

  it('marks a known key with a bad signature as unverified', () => {
    const line = sumdb.peterSignatureLine;
    const tampered = `${sumdb.text}\n${line.slice(0, 60)}ABCD${line.slice(60)}`;
    const opened = openNote(tampered, [peter]);
    expect(opened.signatures[0]).toMatchObject({
      name: 'PeterNeumann',
      verified: false,
      type: SIG_TYPE_ED25519,
    });
    expect(() => requireSignature(opened, 'PeterNeumann')).toThrow(UnverifiedNoteError);
    const otherText = openNote(`${sumdb.text.replace('problem', 'Problem')}\n${line}`, [peter]);
    expect(otherText.signatures[0]!.verified).toBe(false);
  });

  it('rejects the published malformed notes and too many signatures', () => {
    const { text, peterSignatureLine: sig } = sumdb;
    const bad: Array<string | Uint8Array> = [
      text,
      `${text}\n`,
      `${text}\n${sig.slice(0, -1)}`,
      `\x01${text}\n${sig}`,
      Buffer.concat([Buffer.from([0xff]), Buffer.from(`${text}\n${sig}`)]),
      `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${sig}Unexpected line.\n`,
      `${text}\n${sig.repeat(101)}`,
    ];
    for (const note of bad) expect(() => openNote(note, [peter])).toThrow(SignedNoteFormatError);
    expect(openNote(`${text}\n${sig.repeat(100)}`, [peter]).signatures).toHaveLength(100);
    expect(openNote(Buffer.from(peterNote), [peter]).signatures[0]!.verified).toBe(true);
  });

  it('accepts repeated verifiers and one key configured for both signature types', () => {
    // Type 0x01 and 0x04 use distinct key IDs, so the same key under both types is unambiguous.
    const asCosigner = {
      name: 'PeterNeumann',
      publicKey: peter.publicKey,
      type: SIG_TYPE_COSIGNATURE_V1,
    } as const;
    const opened = openNote(peterNote, [peter, { ...peter }, asCosigner]);
    expect(opened.signatures).toEqual([
      { name: 'PeterNeumann', keyId: 'c74f20a3', verified: true, type: SIG_TYPE_ED25519 },
    ]);
  });
});

describe('published C2SP examples', () => {
  it('verifies the signed-note.md example with its published verifier key', () => {
    const vkey = parseVerifierKey(fx.c2spSignedNote.verifierKey);
    expect(vkey).toMatchObject({ name: 'example.com/foo', keyId: '530d903a' });
    const opened = openNote(fx.c2spSignedNote.note, [vkey]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(opened.signatures).toEqual([
      { name: 'example.com/foo', keyId: '530d903a', verified: true, type: SIG_TYPE_ED25519 },
    ]);
  });

  it('splits the UTF-8 example at the last blank line', () => {
    const opened = openNote(fx.c2spQuasimodo.note, []);
    expect(opened.text).toBe(fx.c2spQuasimodo.text);
    expect(opened.signatures).toEqual([
      { name: 'quasimodo.example/salvatore', keyId: '367ba04b', verified: false },
    ]);
  });

  it('parses the tlog-cosignature example and reproduces its signed message', () => {
    const { note, timestamp, signedMessage } = fx.c2spCosignature;
    const opened = openNote(note, []);
    expect(opened.signatures.map((s) => s.name)).toEqual([
      'example.com/behind-the-sofa',
      'witness.example.com/w1',
    ]);
    expect(cosignatureMessage(opened.text, timestamp)).toBe(signedMessage);
    // The published cosignature carries keyID || big-endian u64 timestamp || 64-byte signature.
    const raw = Buffer.from(note.trimEnd().split(' ').pop()!, 'base64');
    expect(raw.length).toBe(4 + 8 + 64);
    expect(raw.subarray(0, 4).toString('hex')).toBe(opened.signatures[1]!.keyId);
    expect(Number(raw.readBigUInt64BE(4))).toBe(timestamp);
  });
});

describe('signing and cosigning with fresh keys', () => {
  const log = generateKeyPair();
  const witness = generateKeyPair();
  const checkpoint = formatCheckpoint({
    origin: 'parley.example/log',
    size: 0,
    rootHash: emptyRoot(),
    extensions: [],
  });
  const logVerifier = { name: 'parley.example/log', publicKey: log.publicKey };
  const witnessVerifier = {
    name: 'witness.example/w1',
    publicKey: witness.publicKey,
    type: SIG_TYPE_COSIGNATURE_V1,
  } as const;

  it('signs, adds signatures and verifies them', () => {
    const second = generateKeyPair();
    const note = addNoteSignature(
      signNote(checkpoint, logVerifier.name, log.privateKey),
      'b',
      second.privateKey,
    );
    const opened = openNote(note, [logVerifier, { name: 'b', publicKey: second.publicKey }]);
    expect(opened.text).toBe(checkpoint);
    expect(opened.signatures.map((s) => [s.name, s.verified])).toEqual([
      ['parley.example/log', true],
      ['b', true],
    ]);
  });

  it('cosigns a checkpoint with a type 0x04 timestamped signature', () => {
    const signed = signNote(checkpoint, logVerifier.name, log.privateKey);
    const cosigned = cosignCheckpoint(signed, witnessVerifier.name, witness.privateKey, 1_700_000_000);
    const opened = openNote(cosigned, [logVerifier, witnessVerifier]);
    expect(opened.signatures[1]).toEqual({
      name: 'witness.example/w1',
      keyId: noteKeyId('witness.example/w1', witness.publicKey, SIG_TYPE_COSIGNATURE_V1).toString('hex'),
      verified: true,
      type: SIG_TYPE_COSIGNATURE_V1,
      timestamp: 1_700_000_000,
    });
    requireSignature(opened, witnessVerifier.name, SIG_TYPE_COSIGNATURE_V1);
    expect(() => requireSignature(opened, witnessVerifier.name, SIG_TYPE_ED25519)).toThrow(
      UnverifiedNoteError,
    );

    // The signature bytes are the 8-byte big-endian timestamp then a signature over the message.
    const raw = Buffer.from(cosigned.trimEnd().split(' ').pop()!, 'base64');
    expect(raw.length).toBe(76);
    expect(Number(raw.readBigUInt64BE(4))).toBe(1_700_000_000);

    // A type 0x01 verifier for the same key neither matches the key ID nor verifies.
    const plain = openNote(cosigned, [{ name: witnessVerifier.name, publicKey: witness.publicKey }]);
    expect(plain.signatures[1]!.verified).toBe(false);

    // Re-cosigning replaces the earlier cosignature.
    const again = cosignCheckpoint(cosigned, witnessVerifier.name, witness.privateKey, 1_700_000_100);
    const reopened = openNote(again, [witnessVerifier]);
    expect(reopened.signatures).toHaveLength(2);
    expect(reopened.signatures[1]!.timestamp).toBe(1_700_000_100);
  });

  it('rejects tampered cosignatures', () => {
    const signed = signNote(checkpoint, logVerifier.name, log.privateKey);
    const cosigned = cosignCheckpoint(signed, witnessVerifier.name, witness.privateKey, 1_700_000_000);
    const lines = cosigned.split('\n');
    const last = lines[lines.length - 2]!;
    const [prefix, b64] = [last.slice(0, last.lastIndexOf(' ') + 1), last.slice(last.lastIndexOf(' ') + 1)];
    const raw = Buffer.from(b64, 'base64');
    const withRaw = (bytes: Buffer): string =>
      [...lines.slice(0, -2), prefix + bytes.toString('base64'), ''].join('\n');

    const laterTime = Buffer.from(raw);
    laterTime.writeBigUInt64BE(1_700_000_001n, 4);
    expect(openNote(withRaw(laterTime), [witnessVerifier]).signatures[1]!.verified).toBe(false);
    const hugeTime = Buffer.from(raw);
    hugeTime.writeBigUInt64BE(1n << 63n, 4);
    expect(openNote(withRaw(hugeTime), [witnessVerifier]).signatures[1]!.verified).toBe(false);
    expect(openNote(withRaw(raw.subarray(0, 75)), [witnessVerifier]).signatures[1]!.verified).toBe(false);
    const flipped = Buffer.from(raw);
    flipped[40]! ^= 1;
    expect(openNote(withRaw(flipped), [witnessVerifier]).signatures[1]!.verified).toBe(false);
    const otherBody = cosigned.replace('\n0\n', '\n1\n');
    expect(openNote(otherBody, [witnessVerifier]).signatures[1]!.verified).toBe(false);
  });

  it('validates inputs when signing', () => {
    expect(() => signNote('no newline', 'a', log.privateKey)).toThrow(SignedNoteFormatError);
    expect(() => signNote('tab\there\n', 'a', log.privateKey)).toThrow(SignedNoteFormatError);
    expect(() => signNote('x\n', '', log.privateKey)).toThrow(InvalidVerifierKeyError);
    expect(() => signNote('x\n', 'a b', log.privateKey)).toThrow(InvalidVerifierKeyError);
    expect(() => signNote('x\n', 'a+b', log.privateKey)).toThrow(InvalidVerifierKeyError);
    expect(() => signNote('x\n', 'a\u00a0b', log.privateKey)).toThrow(InvalidVerifierKeyError);
    expect(() => addNoteSignature('x\n', 'a', log.privateKey)).toThrow(SignedNoteFormatError);
    const signed = signNote('not a checkpoint\n', 'a', log.privateKey);
    expect(() => cosignCheckpoint(signed, 'w', witness.privateKey, 1)).toThrow(CheckpointFormatError);
    const cp = signNote(checkpoint, 'a', log.privateKey);
    expect(() => cosignCheckpoint(cp, 'w', witness.privateKey, -1)).toThrow(SignedNoteFormatError);
    expect(() => cosignCheckpoint(cp, 'w', witness.privateKey, 1.5)).toThrow(SignedNoteFormatError);
  });

  it('keeps text with blank lines intact', () => {
    const text = 'first\n\nsecond\n\n';
    const opened = openNote(signNote(text, 'a', log.privateKey), [{ name: 'a', publicKey: log.publicKey }]);
    expect(opened.text).toBe(text);
    expect(opened.signatures[0]!.verified).toBe(true);
  });

  it('formats and parses type 0x04 verifier keys', () => {
    const vkey = formatVerifierKey('witness.example/w1', witness.publicKey, SIG_TYPE_COSIGNATURE_V1);
    expect(parseVerifierKey(vkey)).toEqual({
      name: 'witness.example/w1',
      publicKey: witness.publicKey,
      keyId: noteKeyId('witness.example/w1', witness.publicKey, SIG_TYPE_COSIGNATURE_V1).toString('hex'),
      type: SIG_TYPE_COSIGNATURE_V1,
    });
  });
});
