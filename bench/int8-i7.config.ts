import { defineConfig } from 'vitest/config';

/** bench/int8-i7.test.ts only (an experiment, not part of the suite): `npx vitest run --config bench/int8-i7.config.ts`. */
export default defineConfig({ test: { include: ['bench/int8-i7.test.ts'], testTimeout: 600_000 } });
