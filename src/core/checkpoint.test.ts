/**
 * Tests for C2SP tlog-checkpoint bodies: the published checkpoint from the spec parses and
 * re-formats byte for byte, formatting round-trips, and every non-canonical spelling is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointFormatError, formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { emptyRoot } from './merkle.js';

interface Fixture {
  c2spCosignature: { note: string; signedMessage: string };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/signed-note-vectors.json', import.meta.url), 'utf8'),
) as Fixture;

// The checkpoint body published in c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature.
const published = fixture.c2spCosignature.note.slice(0, fixture.c2spCosignature.note.indexOf('\n\n') + 1);
const root = Buffer.alloc(32, 7);
const good = `example.com/log\n5\n${root.toString('base64')}\n`;

describe('checkpoint', () => {
  it('parses and re-formats the published checkpoint exactly', () => {
    const c = parseCheckpoint(published);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(c.rootHash.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(c.extensions).toEqual([]);
    expect(formatCheckpoint(c)).toBe(published);
  });

  it('round-trips with extensions and the empty tree', () => {
    const c: Checkpoint = {
      origin: 'parley.example/ch/1',
      size: 0,
      rootHash: emptyRoot(),
      extensions: ['x y', 'z'],
    };
    const text = formatCheckpoint(c);
    expect(text).toBe(`parley.example/ch/1\n0\n${emptyRoot().toString('base64')}\nx y\nz\n`);
    expect(parseCheckpoint(text)).toEqual(c);
    expect(parseCheckpoint(good).size).toBe(5);
  });

  it.each([
    ['missing final newline', good.slice(0, -1)],
    ['too few lines', `example.com/log\n5\n`],
    ['empty origin', `\n5\n${root.toString('base64')}\n`],
    ['leading zero', `example.com/log\n05\n${root.toString('base64')}\n`],
    ['signed size', `example.com/log\n+5\n${root.toString('base64')}\n`],
    ['negative size', `example.com/log\n-5\n${root.toString('base64')}\n`],
    ['unsafe size', `example.com/log\n9007199254740993\n${root.toString('base64')}\n`],
    ['hex root', `example.com/log\n5\n${root.toString('hex')}\n`],
    ['unpadded base64', `example.com/log\n5\n${root.toString('base64').replace(/=+$/, '')}\n`],
    ['url-safe base64', `example.com/log\n5\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
    ['non-canonical trailing bits', `example.com/log\n5\n${root.toString('base64').slice(0, 42)}x=\n`],
    ['31-byte root', `example.com/log\n5\n${Buffer.alloc(31).toString('base64')}\n`],
    ['33-byte root', `example.com/log\n5\n${Buffer.alloc(33).toString('base64')}\n`],
    ['empty extension line', `${good}\n`],
    ['carriage return', `example.com/log\r\n5\n${root.toString('base64')}\n`],
    ['blank line before body', `\n${good}`],
  ])('rejects %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointFormatError);
  });

  it('refuses to format what it would not parse', () => {
    const base: Checkpoint = { origin: 'o', size: 1, rootHash: root, extensions: [] };
    expect(() => formatCheckpoint({ ...base, origin: '' })).toThrow(CheckpointFormatError);
    expect(() => formatCheckpoint({ ...base, origin: 'a\nb' })).toThrow(CheckpointFormatError);
    expect(() => formatCheckpoint({ ...base, size: -1 })).toThrow(CheckpointFormatError);
    expect(() => formatCheckpoint({ ...base, size: 1.5 })).toThrow(CheckpointFormatError);
    expect(() => formatCheckpoint({ ...base, rootHash: Buffer.alloc(31) })).toThrow(CheckpointFormatError);
    expect(() => formatCheckpoint({ ...base, extensions: [''] })).toThrow(CheckpointFormatError);
  });
});
