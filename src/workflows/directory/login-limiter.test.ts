import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('slows an account from the moment each failure is known, not from when its hash began', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 60_000, now: () => now });
    for (const ip of ['a', 'b']) {
      const admitted = limiter.begin('alice', ip);
      if (!('ticket' in admitted)) throw new Error('refused too early');
      now += 5000; // a slow password hash on a busy node
      limiter.failed(admitted.ticket);
    }
    // Right after the second failure is known, a third address waits the account delay (1 s)…
    expect(limiter.begin('alice', 'c')).toEqual({ waitMs: 1000 });
    // …and once it has passed, the owner gets in: a slowdown, not a lockout.
    now += 1000;
    expect(limiter.begin('alice', 'c')).toHaveProperty('ticket');
  });

  it('refuses one address after its failures on one account until the window frees a slot', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 2; i += 1) {
      const admitted = limiter.begin('bob', 'x');
      if ('ticket' in admitted) limiter.failed(admitted.ticket);
      now += 10_000;
    }
    expect(limiter.begin('bob', 'x')).toEqual({ waitMs: 40_000 });
  });
});
