import { describe, expect, it } from 'vitest';
import type { Principal } from './model.js';
import { authorOfficeProblem, canRead, canWrite, publicationOfficeProblem } from './policy.js';

const channel = { parties: { RU: ['ru-ops'], US: ['us-cia'] }, observers: { RU: ['ru-watch'] } };
const person = (office: string, role: Principal['role'] = 'head'): Principal => ({
  id: 'p',
  office,
  role,
  title: '',
  passwordHash: '',
  publicKey: '',
  privateKey: '',
  createdAt: 0,
  disabled: false,
});

describe('offices belong to one party', () => {
  it("does not let a local office named like another party's office read or write", () => {
    expect(canRead(person('us-cia'), channel, 'RU')).toBe(false);
    expect(canWrite(person('us-cia'), channel, 'RU')).toBe(false);
    expect(canWrite(person('us-cia'), channel, 'US')).toBe(true);
  });

  it('lets observer offices of this party read only', () => {
    expect(canRead(person('ru-watch'), channel, 'RU')).toBe(true);
    expect(canWrite(person('ru-watch'), channel, 'RU')).toBe(false);
    expect(canRead(person('ru-watch'), channel, 'US')).toBe(false);
  });

  it('checks published offices against the publishing party', () => {
    expect(publicationOfficeProblem(channel, 'RU', 'ru-ops')).toBeNull();
    expect(publicationOfficeProblem(channel, 'RU', 'ru-watch')).toBeNull();
    expect(publicationOfficeProblem(channel, 'RU', 'us-cia')).toMatch(/not an office of RU/);
    expect(publicationOfficeProblem(channel, 'RU', null)).toMatch(/no office/);
    expect(authorOfficeProblem(channel, 'RU', 'ru-ops')).toBeNull();
    expect(authorOfficeProblem(channel, 'RU', 'ru-watch')).toMatch(/not a member office/);
    expect(authorOfficeProblem(channel, 'XX', 'ru-ops')).toMatch(/not a member office/);
  });
});
