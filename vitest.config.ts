import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // People's keys are sealed under their passwords: fixtures and logins run more scrypt.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits on real nodes and browsers over a shared machine: 1 s (the default) is
    // shorter than one federation round under load.
    expect: { poll: { timeout: 15_000 } },
    // Integration tests start real node processes; two cores are shared, so keep workers few.
    maxWorkers: 2,
  },
});
