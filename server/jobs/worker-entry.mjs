// Worker-thread bootstrap: registers tsx so the TypeScript worker (worker.ts) runs without a build step,
// whether the parent runs under `npm start`, the CLI or vitest.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
