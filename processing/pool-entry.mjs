// Worker-thread bootstrap: registers tsx so the TypeScript pool worker runs without a build step,
// whether the parent runs under tsx, the server's worker or vitest.
import { register } from 'tsx/esm/api';

register();
await import('./pool-worker.ts');
