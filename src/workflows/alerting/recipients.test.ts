import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../core/model.js';
import type { AlertPerson, WatchShift } from '../../storage/storage.js';
import { onWatch, stepTargets, type Reach } from './recipients.js';

const HOUR = 3600_000;
const person = (id: string, role: Role, disabled = false): Principal => ({
  id,
  office: 'ru-ops',
  role,
  title: id,
  passwordHash: '',
  publicKey: '',
  privateKey: '',
  createdAt: 0,
  disabled,
});
const shift = (id: string, principal: string, startsAt: number, endsAt: number): WatchShift => ({
  id,
  office: 'ru-ops',
  principal,
  startsAt,
  endsAt,
  createdBy: 'admin',
  createdAt: 0,
});
const alternates = (principal: string, ...list: string[]): [string, AlertPerson] => [
  principal,
  { principal, email: null, alternates: list, updatedAt: 0 },
];

function reach(overrides: Partial<Reach> = {}): Reach {
  return {
    principals: [
      person('head', 'head'),
      person('duty', 'duty-officer'),
      person('night', 'member'),
      person('alt', 'member'),
    ],
    shifts: [shift('a', 'night', 0, 8 * HOUR)],
    people: new Map([alternates('night', 'alt')]),
    ...overrides,
  };
}
const at = (now: number) => ({ author: 'nobody', offices: ['ru-ops'], now });

describe('whom an escalation step tells', () => {
  it('tells whoever is on watch by the roster, then their alternates', () => {
    expect(stepTargets(reach(), 'duty-officers', at(HOUR))).toEqual(['night', 'alt']);
  });

  it('falls back to the duty officers when nobody is on watch, and to the heads when there are none', () => {
    expect(stepTargets(reach(), 'duty-officers', at(9 * HOUR))).toEqual(['duty']);
    const noDuty = reach({
      principals: reach().principals.filter((p) => p.role !== 'duty-officer'),
      shifts: [],
    });
    expect(stepTargets(noDuty, 'duty-officers', at(HOUR))).toEqual(['head']);
  });

  it('tells the alternates of a disabled person, not the person, and nobody twice', () => {
    const r = reach({
      principals: [person('head', 'head'), person('night', 'member', true), person('alt', 'member')],
      shifts: [shift('a', 'night', 0, 8 * HOUR), shift('b', 'alt', 0, 8 * HOUR)],
    });
    expect(stepTargets(r, 'duty-officers', at(HOUR))).toEqual(['alt']);
  });

  it('tells the heads at the head step and the author at the overdue step, each with alternates', () => {
    const r = reach({ people: new Map([alternates('head', 'alt'), alternates('duty', 'night')]) });
    expect(stepTargets(r, 'head', at(HOUR))).toEqual(['head', 'alt']);
    expect(stepTargets(r, 'overdue', { ...at(HOUR), author: 'duty' })).toEqual(['duty', 'night']);
  });

  it('counts a shift from its start up to, not including, its end', () => {
    expect(onWatch(reach(), ['ru-ops'], 0)).toEqual(['night']);
    expect(onWatch(reach(), ['ru-ops'], 8 * HOUR)).toEqual([]);
    expect(onWatch(reach(), ['other'], HOUR)).toEqual([]);
  });
});
