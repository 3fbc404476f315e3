// Builds each processing/*.wat into the .wasm beside it (wabt's wat2wasm, SIMD and shared memories on). The .wasm files
// are committed, so installing, testing and running need no build step; collect.test.ts rebuilds
// them in memory and checks the committed bytes are their sources'.
//   npm run build:wasm
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const DIR = fileURLToPath(new URL('../processing/', import.meta.url));

/** The binary of the WAT module at `path`, validated. */
export async function wasmOf(path: string): Promise<Uint8Array> {
  const tools = await wabt();
  const module = tools.parseWat(path, readFileSync(path, 'utf8'), { simd: true, threads: true });
  try {
    // Validation takes its features too (wabt's typings omit the argument): shared memories need threads.
    (module as unknown as { validate(features: Record<string, boolean>): void }).validate({
      simd: true,
      threads: true,
    });
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** Every WAT source under processing/, with the path of its binary. */
export function wasmSources(): Array<{ wat: string; wasm: string }> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.wat'))
    .map((f) => ({ wat: join(DIR, f), wasm: join(DIR, f.replace(/\.wat$/, '.wasm')) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { wat, wasm } of wasmSources()) writeFileSync(wasm, await wasmOf(wat));
}
