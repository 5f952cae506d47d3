/** Passwords for new accounts: from stdin or an environment variable, or generated and shown once. */
import { randomBytes } from 'node:crypto';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Returns the password to use and whether it was generated (and so must be shown). */
export async function choosePassword(
  fromStdin: boolean | undefined,
  envVariable: string,
): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await readStdin(), generated: false };
  const fromEnv = process.env[envVariable];
  if (fromEnv) return { password: fromEnv, generated: false };
  return { password: randomBytes(15).toString('base64url'), generated: true };
}
