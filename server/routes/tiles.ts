/** Tiles of an image and its change overlay, TileJSON, full-resolution change masks (PNG, GeoTIFF). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';

export function tileRoutes(_app: OpenAPIHono<AppEnv>, _d: AppDeps): void {}
