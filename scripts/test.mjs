// `npm test`: type-check, lint and format check, build the web app, then every test.
import { execFileSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';

const steps = [
  ['type-check', 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']],
  ['lint + format', 'node_modules/@biomejs/biome/bin/biome', ['check', '.']],
  ['build web app', 'node_modules/vite/bin/vite.js', ['build', '--logLevel', 'warn']],
  ['tests', 'node_modules/vitest/vitest.mjs', ['run', ...process.argv.slice(2)]],
];
ensureChromium();
for (const [name, bin, args] of steps) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    execFileSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  } catch {
    console.error(`✖ ${name} failed`);
    process.exit(1);
  }
  console.log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
