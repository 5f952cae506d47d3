/**
 * What each optional phase needs from the machine, checked before the phase starts: a phase
 * whose prerequisite is missing is skipped with one line that says what is missing and how to
 * enable it, instead of failing after a minute of set-up (the web phase on a machine without
 * Chromium, the XMPP anchor without Prosody, the PostgreSQL storage phase without a server).
 *
 * The checks take the file system and PATH look-ups as parameters so that the skip decisions are
 * unit-tested without changing the machine (test/bench-report.test.ts).
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { xmppAnchorScript } from './xmpp-anchor.js';
import { probePostgres as probeServer } from '../src/storage/postgres/test-support/postgres-server.js';

/** Either the phase can run, or the one line that says why not and how to enable it. */
export type Prerequisite = { ok: true } | { ok: false; line: string };

const OK: Prerequisite = { ok: true };

/** The skip line: `<phase>: skipped: <what is missing>; to enable: <how> (<off> skips it quietly)`. */
export function skipLine(phase: string, missing: string, enable: string, off: string): string {
  return `${phase}: skipped: ${missing}; to enable: ${enable} (${off} skips it quietly)`;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `command` is an executable file in one of the PATH directories. */
export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => isExecutable(join(dir, command)));
}

export interface WebCheck {
  chromium: string;
  /** The project root (the built console is looked up in dist/web). */
  root: string;
  /** Whether playwright-core (a dev dependency) can be loaded. */
  playwright: boolean;
  executable?: (path: string) => boolean;
  exists?: (path: string) => boolean;
}

/** The web phase needs Chromium, playwright-core and the built console (dist/web). */
export function webPrerequisite(check: WebCheck): Prerequisite {
  const executable = check.executable ?? isExecutable;
  const exists = check.exists ?? existsSync;
  const phase = 'web';
  const off = 'BENCH_WEB=0';
  if (!executable(check.chromium)) {
    return {
      ok: false,
      line: skipLine(
        phase,
        `no Chromium at ${check.chromium}`,
        'apt-get install chromium, or set PARLEY_CHROMIUM=/path/to/chromium',
        off,
      ),
    };
  }
  if (!check.playwright) {
    return {
      ok: false,
      line: skipLine(phase, 'playwright-core is not installed', 'npm install (with dev dependencies)', off),
    };
  }
  if (!exists(join(check.root, 'dist/web/index.html'))) {
    return {
      ok: false,
      line: skipLine(phase, 'the console is not built (dist/web)', 'npm run build', off),
    };
  }
  return OK;
}

/** Whether playwright-core can be imported (it is a dev dependency). */
export async function playwrightAvailable(): Promise<boolean> {
  try {
    await import('playwright-core');
    return true;
  } catch {
    return false;
  }
}

/** Null when the PostgreSQL server answers a query within a few seconds, else why not. */
export async function probePostgres(url: string): Promise<string | null> {
  let connectionString: string;
  try {
    const parsed = new URL(url);
    // The node's schema is Parley's parameter, not the driver's.
    parsed.searchParams.delete('schema');
    connectionString = parsed.toString();
  } catch {
    return 'BENCH_DATABASE_URL is not a valid URL';
  }
  return probeServer(connectionString);
}

/** The PostgreSQL storage phase needs a server that answers at `url`. */
export function postgresPrerequisite(url: string, problem: string | null): Prerequisite {
  if (problem === null) return OK;
  // Never echo a password that the URL may hold.
  let shown = url;
  try {
    const parsed = new URL(url);
    parsed.password = '';
    shown = parsed.toString();
  } catch {
    shown = '(invalid URL)';
  }
  return {
    ok: false,
    line: skipLine(
      'storage (PostgreSQL)',
      `no PostgreSQL at ${shown} (${problem.split('\n')[0]})`,
      'start PostgreSQL or set BENCH_DATABASE_URL=postgres://user@host:port/database',
      'BENCH_POSTGRES=0',
    ),
  };
}

export interface XmppCheck {
  root: string;
  exists?: (path: string) => boolean;
  command?: (name: string) => boolean;
  /** Whether SQLite support for Prosody (lua-dbi-sqlite3) is installed. */
  luaSqlite?: () => boolean;
}

/** Where Debian puts LuaDBI's SQLite3 driver: /usr/lib/<triplet>/lua/<version>/dbd/sqlite3.so. */
export function luaSqliteInstalled(): boolean {
  for (const base of ['/usr/lib', '/usr/local/lib']) {
    let dirs: string[];
    try {
      dirs = readdirSync(base);
    } catch {
      continue;
    }
    for (const dir of ['', ...dirs]) {
      const lua = join(base, dir, 'lua');
      let versions: string[];
      try {
        versions = readdirSync(lua);
      } catch {
        continue;
      }
      if (versions.some((v) => existsSync(join(lua, v, 'dbd', 'sqlite3.so')))) return true;
    }
  }
  return false;
}

/**
 * The XMPP anchor needs its script (../shared/anchors/xmpp/run.sh), Prosody on PATH and, for
 * its durable variant, lua-dbi-sqlite3. Its run.sh would install Prosody itself with apt-get;
 * the bench does not install system packages behind the user's back, it says how instead.
 * Returns the variants that can run, or the skip line.
 */
export function xmppPrerequisite(
  check: XmppCheck,
): { ok: true; variants: Array<'default' | 'durable'>; note: string | null } | { ok: false; line: string } {
  const exists = check.exists ?? existsSync;
  const command = check.command ?? ((name: string) => onPath(name));
  const luaSqlite = check.luaSqlite ?? luaSqliteInstalled;
  const phase = 'xmpp anchor';
  const off = 'BENCH_ANCHOR=0';
  const script = xmppAnchorScript(check.root);
  if (!exists(script)) {
    return {
      ok: false,
      line: skipLine(
        phase,
        `${script} does not exist`,
        'check out the shared anchors beside the project',
        off,
      ),
    };
  }
  for (const needed of ['bash', 'prosody', 'prosodyctl', 'openssl']) {
    if (!command(needed)) {
      const install = needed === 'bash' || needed === 'openssl' ? needed : 'prosody lua-dbi-sqlite3';
      return {
        ok: false,
        line: skipLine(phase, `${needed} is not installed`, `apt-get install -y ${install}`, off),
      };
    }
  }
  if (!luaSqlite()) {
    return {
      ok: true,
      variants: ['default'],
      note: 'xmpp anchor: durable variant skipped: lua-dbi-sqlite3 is not installed; to enable: apt-get install -y lua-dbi-sqlite3',
    };
  }
  return { ok: true, variants: ['default', 'durable'], note: null };
}
