/** The Hono environment shared by every route: per-request variables set by middleware. */
import type { HttpBindings } from '@hono/node-server';

export type AppEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string; keyId: string };
};
