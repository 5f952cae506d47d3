/**
 * People's keys are sealed under their passwords (src/workflows/directory/key-custody.ts), so a
 * test that signs as someone unlocks them first with the password the fixtures give everyone,
 * exactly as a login or `parley token create` with the person's password does.
 */
import type { Principal } from '../../src/core/model.js';
import type { Storage } from '../../src/storage/storage.js';
import { asActor, unlockWithPassword, wrapForSecret } from '../../src/workflows/directory/key-custody.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../../src/workflows/directory/tokens.js';
import { PASSWORD } from './node-process.js';

/** `id` as an actor holding its unlocked key (the fixture password unless told). */
export async function unlockedActor(storage: Storage, id: string, password = PASSWORD): Promise<Principal> {
  const principal = await storage.getPrincipal(id);
  if (!principal) throw new Error(`no principal ${id}`);
  const unlocked = await unlockWithPassword(principal, password);
  if (!unlocked) throw new Error(`the key of ${id} does not open with the password given`);
  return asActor(principal, unlocked.privateKey);
}

/** A new API token for `id` that carries the person's unlocked key, so it can sign. */
export async function signingToken(
  storage: Storage,
  id: string,
  options: { password?: string; label?: string; expiresAt?: number | null } = {},
): Promise<string> {
  const actor = await unlockedActor(storage, id, options.password);
  const token = newSecret(API_TOKEN_PREFIX);
  await storage.createApiToken({
    tokenHash: hashSecret(token),
    principal: id,
    label: options.label ?? 'test',
    createdAt: Date.now(),
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    wrappedKey: wrapForSecret(actor.privateKey, token, 'token', actor),
  });
  return token;
}
