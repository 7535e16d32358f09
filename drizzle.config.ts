import { defineConfig } from 'drizzle-kit';

// Every table lives beside the code that owns it; drizzle-kit reads them all.
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/core/schema.ts', './src/features/*/schema.ts', './src/features/*/*.schema.ts', './src/core/gateway/schema.ts', './src/core/api/schema.ts'],
  out: './migrations',
  casing: 'snake_case',
});
