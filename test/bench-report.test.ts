/**
 * The bench's own logic, without running the bench (that takes minutes): rows measured in
 * rounds (median, min–max), the comparison with an older results file, the command line, and
 * the decisions to skip a phase whose prerequisite is missing, with its one line.
 */
import { describe, expect, it } from 'vitest';
import { parseRun, renderComparison } from '../bench/compare-runs.js';
import { postgresPrerequisite, skipLine, webPrerequisite, xmppPrerequisite } from '../bench/prerequisites.js';
import { formatSpread, medianOf, renderSections, row, slug } from '../bench/report.js';
import { Budget, parseArgs, readSettings, UsageError } from '../bench/util.js';

describe('rows measured in rounds', () => {
  it('shows the median and the min–max of the rounds', () => {
    const r = row('storage appends, 64 writers', [120, 100, 140], 'appends/s', {
      id: 'storage.appends',
      baseline: { label: 'sign', value: 200 },
    });
    expect(r.value).toBe(120);
    expect([r.min, r.max]).toEqual([100, 140]);
    expect(r.samples).toEqual([120, 100, 140]);
    expect(r.ratio).toBeCloseTo(0.6);
    expect(formatSpread(r)).toBe('100–140');
  });

  it('leaves a failed round (NaN) out of median and spread', () => {
    const r = row('x', [Number.NaN, 2, 4], 'ms', { decimals: 1 });
    expect(r.value).toBe(3);
    expect(formatSpread(r)).toBe('2.0–4.0');
    expect(medianOf([])).toBeNaN();
  });

  it('shows no spread for a single measurement', () => {
    const r = row('idle server VmRSS', 90.5, 'MiB', { decimals: 1 });
    expect(r.samples).toBeNull();
    expect(formatSpread(r)).toBe('');
    const table = renderSections([{ rows: [r, row('rounds', [1, 3, 2], 'ms')] }]).split('\n');
    expect(table[0]).toMatch(/^figure\s+value\s+min–max\s+unit/);
    expect(table[3]).toMatch(/^rounds\s+2\s+1–3\s+ms/);
  });

  it('derives stable ids from labels without their sizes', () => {
    expect(slug('verify (18185 entries)')).toBe('verify.entries');
    expect(slug('verify (50,000 entries)')).toBe('verify.entries');
  });
});

const older = {
  at: '2026-11-25T18:47:00.000Z',
  machine: { cores: 2, cpu: 'AMD EPYC', node: 'v20.20.2' },
  // The layout before figures had ids: matched by label.
  rows: [
    { figure: 'storage appends, 64 writers', value: 14321, unit: 'appends/s', decimals: 0 },
    { figure: 'dropped figure', value: 5, unit: 'ms', decimals: 2 },
  ],
  crossNode: { rows: [{ figure: 'FLASH end-to-end latency p99', value: 8, unit: 'ms', decimals: 2 }] },
  reference: null,
};

const newer = {
  at: '2026-12-01T10:00:00.000Z',
  commit: { hash: 'abc123', dirty: true },
  machine: { cores: 2, cpu: 'AMD EPYC', node: 'v20.20.2' },
  figures: [
    row('storage appends, 64 writers', [15000, 14000, 16000], 'appends/s', { id: 'storage.appends' }),
    row('FLASH end-to-end latency p99', [10, 12, 11], 'ms', { id: 'cross.latency.p99', decimals: 2 }),
    row('new figure', 1, 'ms', { decimals: 2 }),
  ],
};

describe('--compare', () => {
  it('prints each figure next to the old one with the ratio new/old', () => {
    const text = renderComparison(
      parseRun('old.json', JSON.stringify(older)),
      parseRun('new.json', JSON.stringify(newer)),
    );
    const lines = text.split('\n');
    expect(lines[0]).toContain('old = old.json: 2026-11-25T18:47:00.000Z');
    expect(lines[1]).toContain('commit abc123 (modified)');
    expect(text).toMatch(/storage appends, 64 writers\s+14,321\s+15,000\s+appends\/s\s+1\.05x/);
    expect(text).toMatch(/FLASH end-to-end latency p99\s+8\.00\s+11\.00\s+ms\s+1\.38x/);
    expect(text).toMatch(/new figure\s+—\s+1\.00\s+ms\s+—/);
    expect(text).toMatch(/dropped figure\s+5\.00\s+—\s+ms\s+—/);
  });

  it('matches by id when labels changed, and keeps a NaN figure', () => {
    const relabelled = {
      figures: [
        { ...row('storage appends, 32 writers', 7000, 'appends/s', { id: 'storage.appends' }), value: null },
      ],
    };
    const text = renderComparison(
      parseRun('new.json', JSON.stringify(newer)),
      parseRun('relabelled.json', JSON.stringify(relabelled)),
    );
    expect(text).toMatch(/storage appends, 32 writers\s+15,000\s+n\/a\s+appends\/s\s+—/);
  });

  it('refuses a file without figures', () => {
    expect(() => parseRun('x.json', '{}')).toThrow(/no bench figures/);
    expect(() => parseRun('x.json', 'not json')).toThrow(/not JSON/);
  });
});

describe('command line', () => {
  it('takes --quick, --compare and --to', () => {
    expect(parseArgs([])).toEqual({ quick: false, compare: null, to: null });
    expect(parseArgs(['--quick', '--compare', 'old.json'])).toEqual({
      quick: true,
      compare: 'old.json',
      to: null,
    });
    expect(parseArgs(['--compare=old.json', '--to', 'new.json']).to).toBe('new.json');
    expect(() => parseArgs(['--to', 'new.json'])).toThrow(UsageError);
    expect(() => parseArgs(['--compare'])).toThrow(/needs a file name/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument --fast/);
  });

  it('runs three rounds by default and one with --quick', () => {
    const full = readSettings([]);
    const quick = readSettings(['--quick']);
    expect(full.repeats).toBe(3);
    expect(quick.repeats).toBe(1);
    expect(quick.seconds).toBeLessThan(full.seconds);
    expect(full.budgetSeconds).toBeLessThan(300);
  });
});

describe('the time budget', () => {
  it('always runs a first round, later ones only within the phase share, and says which were cut', () => {
    let now = 0;
    const budget = new Budget(100, () => now);
    const more = budget.rounds('verify', 3, 0.3);
    expect(more(1)).toBe(true);
    now = 29;
    expect(more(2)).toBe(true);
    now = 31;
    expect(more(3)).toBe(false);
    now = 90;
    expect(budget.rounds('web', 3, 0.7)(1)).toBe(true);
    expect(budget.rounds('web', 3, 0.7)(2)).toBe(false);
    expect(budget.cut).toEqual([
      'verify: 2 of 3 rounds (budget of 100s)',
      'web: 1 of 3 rounds (budget of 100s)',
    ]);
  });
});

describe('skipping a phase whose prerequisite is missing', () => {
  const oneLine = (line: string): void => {
    expect(line).not.toContain('\n');
    expect(line).toMatch(/skipped: .*; to enable: .* \(\S+=0 skips it quietly\)$/);
  };

  it('skips the web phase without Chromium, playwright-core or the built console', () => {
    const base = { chromium: '/nonexistent', root: '/p', playwright: true, exists: () => true };
    const noChromium = webPrerequisite({ ...base, executable: () => false });
    expect(noChromium.ok).toBe(false);
    if (!noChromium.ok) {
      oneLine(noChromium.line);
      expect(noChromium.line).toContain('no Chromium at /nonexistent');
      expect(noChromium.line).toContain('PARLEY_CHROMIUM=');
    }
    const noPlaywright = webPrerequisite({ ...base, executable: () => true, playwright: false });
    expect(noPlaywright.ok === false && noPlaywright.line).toContain('playwright-core');
    const notBuilt = webPrerequisite({ ...base, executable: () => true, exists: () => false });
    expect(notBuilt.ok === false && notBuilt.line).toContain('npm run build');
    expect(webPrerequisite({ ...base, executable: () => true }).ok).toBe(true);
  });

  it('skips the PostgreSQL phase without a server, never showing a password', () => {
    expect(postgresPrerequisite('postgres://u@h:5432/db', null).ok).toBe(true);
    const down = postgresPrerequisite('postgres://u:secret@h:5432/db', 'connect ECONNREFUSED\nmore');
    expect(down.ok).toBe(false);
    if (!down.ok) {
      oneLine(down.line);
      expect(down.line).not.toContain('secret');
      expect(down.line).toContain('BENCH_DATABASE_URL=');
    }
  });

  it('skips the XMPP anchor without its script or Prosody, and its durable variant without SQLite', () => {
    const all = { root: '/p', exists: () => true, command: () => true, luaSqlite: () => true };
    const noScript = xmppPrerequisite({ ...all, exists: () => false });
    expect(noScript.ok === false && noScript.line).toContain('run.sh does not exist');
    const noProsody = xmppPrerequisite({ ...all, command: (name) => name !== 'prosody' });
    expect(noProsody.ok).toBe(false);
    if (!noProsody.ok) {
      oneLine(noProsody.line);
      expect(noProsody.line).toContain('apt-get install -y prosody');
    }
    const noSqlite = xmppPrerequisite({ ...all, luaSqlite: () => false });
    expect(noSqlite.ok && noSqlite.variants).toEqual(['default']);
    expect(noSqlite.ok && noSqlite.note).toContain('lua-dbi-sqlite3');
    const ready = xmppPrerequisite(all);
    expect(ready.ok && ready.variants).toEqual(['default', 'durable']);
  });

  it('says what is missing and how to enable it', () => {
    expect(skipLine('web', 'no Chromium', 'install it', 'BENCH_WEB=0')).toBe(
      'web: skipped: no Chromium; to enable: install it (BENCH_WEB=0 skips it quietly)',
    );
  });
});
