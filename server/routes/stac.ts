/** A STAC 1.1 Item for one image (eo + proj extensions), with links to the original, tiles and change mask. */
import type { Grid } from '../../processing/types.ts';
import type { ImageRecord } from '../store/catalog.ts';

export function stacItem(img: ImageRecord, grid: Grid | null, base: string): Record<string, unknown> {
  const [w, s, e, n] = img.bounds;
  const api = `${base}/api/images/${img.id}`;
  const assets: Record<string, unknown> = {
    tiles: {
      href: `${api}/tiles.json`,
      type: 'application/json',
      title: 'XYZ tiles (TileJSON 3.0.0)',
      roles: ['visual'],
    },
  };
  if (img.status === 'ready') {
    assets.change_mask = {
      href: `${api}/change.tif`,
      type: 'image/tiff; application=geotiff',
      title: 'change against the previous image (0 unchanged, 255 changed)',
      roles: ['data'],
    };
    assets.detections = { href: `${api}/detections`, type: 'application/geo+json', roles: ['metadata'] };
  }
  return {
    type: 'Feature',
    stac_version: '1.1.0',
    stac_extensions: [
      'https://stac-extensions.github.io/eo/v2.0.0/schema.json',
      'https://stac-extensions.github.io/projection/v2.0.0/schema.json',
    ],
    id: img.id,
    collection: img.siteId,
    bbox: [w, s, e, n],
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    },
    properties: {
      datetime: img.acquiredAt,
      created: img.createdAt,
      ...(img.sensor ? { instruments: [img.sensor] } : {}),
      gsd: img.gsdM,
      'eo:cloud_cover': img.cloudFraction === null ? null : +(img.cloudFraction * 100).toFixed(2),
      'proj:code': 'EPSG:4326',
      'proj:bbox': [w, s, e, n],
      'proj:shape': [img.height, img.width],
      'proj:transform': [(e - w) / img.width, 0, w, 0, -(n - s) / img.height, n],
      'berthwatch:status': img.status,
      'berthwatch:registration': img.registration,
      'berthwatch:coverage': img.coverage,
      'berthwatch:analysis_grid': grid ? { bbox: grid.bounds, shape: [grid.height, grid.width] } : null,
      'file:checksum': `1220${img.sha256}`,
    },
    links: [
      { rel: 'self', href: `${api}/stac`, type: 'application/geo+json' },
      { rel: 'collection', href: `${base}/api/sites/${img.siteId}`, type: 'application/json' },
    ],
    assets,
  };
}
