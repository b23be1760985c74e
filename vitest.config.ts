import { defineConfig } from 'vitest/config';

// Two groups, run one after the other. `unit`: pure code, replays and rendering, whose results do
// not depend on timing: its files run side by side. `live`: real SUT processes, hooks, pods and
// micro benchmarks, whose noise is what they measure: one file at a time, after the unit group, so
// no other test file shares the CPUs with them.
const UNIT = ['stats', 'experiment', 'samples', 'report', 'history'].map((d) => `__tests__/${d}/**/*.test.ts`).concat('__tests__/*.test.ts');

const shared = {
  globalSetup: ['__tests__/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: UNIT, sequence: { groupOrder: 0 } } },
      {
        test: {
          ...shared,
          name: 'live',
          include: ['__tests__/**/*.test.ts'],
          exclude: UNIT,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
