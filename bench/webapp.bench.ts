// Web-app bench: bundle size (raw and gzip), time from navigation to the sample site's imagery, zones and
// chart on screen in headless chromium (target ≤ 2 s), and a scrub across every date counting blank frames.
// Run: `npx tsx bench/webapp.bench.ts` (builds dist/client first; seeds the sample once into test-output/).
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, openPage, paintedFraction } from '../client/e2e/browser.ts';
import { appState, openApp, startFrameSampler, stepTo } from '../client/e2e/page.ts';
import { ROOT, startSeededServer } from '../client/e2e/server.ts';

const FIRST_RENDER_TARGET_MS = 2000;
const RUNS = 5;

export interface WebappBench {
  bundle: { file: string; bytes: number; gzipBytes: number }[];
  bundleGzipTotal: number;
  firstRenderMs: { median: number; max: number; runs: number[] };
  scrub: { dates: number; msPerDate: number; minPaintedRatio: number; blankFrames: number; frames: number };
  pass: boolean;
}

async function bundleSizes() {
  const dir = join(ROOT, 'dist/client/assets');
  const out: WebappBench['bundle'] = [];
  for (const f of (await readdir(dir)).sort()) {
    if (!/\.(m?js|css)$/.test(f)) continue;
    const buf = await readFile(join(dir, f));
    out.push({ file: f, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Runs the bench and returns its figures. */
export async function benchWebapp(): Promise<WebappBench> {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const bundle = await bundleSizes();
  const server = await startSeededServer(Number.POSITIVE_INFINITY);
  const browser = await launch();
  try {
    // Warm the server's tile cache once, as an analyst's second visit would find it.
    {
      const { page, context } = await openPage(browser);
      await openApp(page, server.url);
      await context.close();
    }
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { page, context } = await openPage(browser);
      await openApp(page, server.url);
      runs.push(Number(await page.getAttribute('body', 'data-first-render-ms')));
      await context.close();
    }

    const { page, context } = await openPage(browser);
    await openApp(page, server.url);
    await stepTo(page, 'Home');
    const baseline = await paintedFraction(page);
    const { dates } = await appState(page);
    // A blank frame: one that lost more than 10 % of the painted map area.
    const sampler = await startFrameSampler(page, baseline * 0.9);
    const t0 = performance.now();
    for (let i = 1; i < dates.length; i++) await stepTo(page, 'ArrowRight');
    const elapsed = performance.now() - t0;
    const { min, frames, blank } = await sampler.stop();
    await context.close();
    const minPaintedRatio = baseline > 0 ? min / baseline : 0;
    const scrub = {
      dates: dates.length,
      msPerDate: Math.round(elapsed / Math.max(1, dates.length - 1)),
      minPaintedRatio: Number(minPaintedRatio.toFixed(3)),
      blankFrames: blank,
      frames,
    };
    const firstRenderMs = { median: median(runs), max: Math.max(...runs), runs };
    return {
      bundle,
      bundleGzipTotal: bundle.reduce((s, b) => s + b.gzipBytes, 0),
      firstRenderMs,
      scrub,
      pass: firstRenderMs.median <= FIRST_RENDER_TARGET_MS && scrub.blankFrames === 0,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchWebapp();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log('\nWeb app bundle');
  for (const b of r.bundle)
    console.log(`  ${b.file.padEnd(44)} ${kb(b.bytes).padStart(11)}  gzip ${kb(b.gzipBytes).padStart(10)}`);
  console.log(`  total gzip ${kb(r.bundleGzipTotal)}`);
  console.log(
    `First render (navigation → imagery + zones + chart), ${r.firstRenderMs.runs.length} runs: median ${r.firstRenderMs.median} ms, max ${r.firstRenderMs.max} ms (target ≤ ${FIRST_RENDER_TARGET_MS} ms)`,
  );
  console.log(
    `Scrub across ${r.scrub.dates} dates: ${r.scrub.msPerDate} ms/date to fully shown, ${r.scrub.frames} frames sampled, blankest frame kept ${(r.scrub.minPaintedRatio * 100).toFixed(1)} % of the painted area, blank frames ${r.scrub.blankFrames}`,
  );
  console.log(r.pass ? 'PASS' : 'FAIL');
  await mkdir(join(ROOT, 'bench/out'), { recursive: true });
  await writeFile(join(ROOT, 'bench/out/webapp.json'), JSON.stringify(r, null, 2));
  process.exitCode = r.pass ? 0 : 1;
}
