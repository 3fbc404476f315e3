/**
 * TIFF/GeoTIFF header reading with geotiff.js over a bounded file source: structure, sample
 * layout, nodata, and the georeference (affine pixel → CRS transform and EPSG code).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import { addDecoder, BaseDecoder, GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { ProcessingError } from './errors.ts';

/**
 * Deflate tiles through Node's native zlib instead of geotiff's pako: several times faster on
 * big GeoTIFFs. Sync flush keeps what a truncated stream holds rather than throwing, as pako
 * does; a block that comes out short is then refused by the reader.
 */
class NativeDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = inflateSync(new Uint8Array(buffer), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], () => Promise.resolve(NativeDeflateDecoder as never));

/**
 * A geotiff.js source reading slices with positional reads, clamped to the file like
 * `ArrayBuffer.slice`. geotiff's own `fromFile` passes a negative length to fs.read on some
 * big-endian Sentinel Hub TIFFs and fails; `fromArrayBuffer` succeeds because slice() clamps,
 * but needs the whole file in memory. This keeps fromArrayBuffer's semantics at windowed cost.
 */
class ClampedFileSource {
  constructor(
    private readonly fh: FileHandle,
    readonly fileSize: number,
  ) {}
  async fetch(slices: Array<{ offset: number; length: number }>, signal?: AbortSignal): Promise<ArrayBuffer[]> {
    return Promise.all(
      slices.map(async ({ offset, length }) => {
        if (signal?.aborted) throw new ProcessingError('aborted', 'analysis was cancelled');
        const size = this.fileSize;
        const start = Math.min(Math.max(offset, 0), size);
        const rawEnd = offset + length;
        const end = rawEnd < 0 ? Math.max(size + rawEnd, 0) : Math.min(rawEnd, size);
        const n = Math.max(0, end - start);
        const buf = new Uint8Array(n);
        let done = 0;
        while (done < n) {
          const { bytesRead } = await this.fh.read(buf, done, n - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buf.buffer;
      }),
    );
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Pixel → CRS affine transform, GDAL order: X = t0 + t1·col + t2·row, Y = t3 + t4·col + t5·row (pixel edges). */
export type GeoTransform = [number, number, number, number, number, number];

export interface TiffHeader {
  width: number;
  height: number;
  samples: number;
  bitsPerSample: number[];
  /** 1 unsigned int, 2 signed int, 3 float (TIFF SampleFormat). */
  sampleFormat: number;
  photometric: number | undefined;
  /** Index of an alpha sample (ExtraSamples 1 or 2), or -1. */
  alphaSample: number;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  nodata: number | null;
  /** Byte just past the last strip or tile: beyond the file end means the file was cut short. */
  dataEnd: number;
  georef: { crs: string | null; transform: GeoTransform; pixelIsPoint: boolean } | null;
}

export interface OpenTiff {
  tiff: GeoTIFF;
  image: GeoTIFFImage;
  header: TiffHeader;
  fileSize: number;
  close(): Promise<void>;
}

/** Opens a TIFF and reads its first image's header; throws typed errors for malformed structure. */
export async function openTiff(path: string, signal?: AbortSignal): Promise<OpenTiff> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  const source = new ClampedFileSource(fh, size);
  try {
    const tiff = await GeoTIFF.fromSource(source as never, undefined, signal);
    const image = await tiff.getImage(0);
    await fixBigEndianArrays(image);
    const header = await readHeader(image);
    return { tiff, image, header, fileSize: size, close: () => source.close() };
  } catch (err) {
    await source.close();
    if (err instanceof ProcessingError) throw err;
    const ifd = await firstIfdOffset(path);
    if (ifd >= size) {
      throw new ProcessingError(
        'truncated_image',
        `TIFF directory starts at byte ${ifd} but the file has ${size} bytes (the file is truncated)`,
        'file',
      );
    }
    throw new ProcessingError('corrupt_image', `TIFF structure is unreadable: ${(err as Error).message}`, 'file');
  }
}

/** What geotiff.js keeps for a lazily loaded tag array (internal, read only here). */
interface DeferredArrayLike {
  littleEndian: boolean;
  itemSize: number;
  loadAll(): Promise<ArrayLike<number | bigint>>;
}

/**
 * geotiff.js 3.0.5 reads lazily loaded tag arrays (StripByteCounts, TileOffsets… of files with
 * many blocks) as little-endian whatever the file's byte order: big-endian Sentinel Hub TIFFs get
 * byte counts in the billions (hence fromFile's negative read length). Load such arrays now and
 * byte-swap them into place, so every later read uses the true offsets and counts.
 */
async function fixBigEndianArrays(image: GeoTIFFImage): Promise<void> {
  if (image.littleEndian) return;
  const fd = image.getFileDirectory() as unknown as {
    deferredArrays: Map<number, DeferredArrayLike>;
    actualizedFields: Map<number, unknown>;
  };
  for (const [tag, arr] of [...fd.deferredArrays]) {
    if (arr.littleEndian) continue;
    const values = await arr.loadAll();
    const size = arr.itemSize;
    const view = new DataView(new ArrayBuffer(size));
    const fixed = Array.from(values, (v) => {
      if (size === 2) {
        view.setUint16(0, Number(v), true);
        return view.getUint16(0, false);
      }
      if (size === 4) {
        view.setUint32(0, Number(v), true);
        return view.getUint32(0, false);
      }
      view.setBigUint64(0, BigInt(v), true);
      return Number(view.getBigUint64(0, false));
    });
    fd.actualizedFields.set(tag, fixed);
    fd.deferredArrays.delete(tag);
  }
}

/** Offset of the first image directory, from the 8- or 16-byte TIFF header. */
async function firstIfdOffset(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(16);
    await fh.read(b, 0, 16, 0);
    const le = b[0] === 0x49;
    const big = (le ? b.readUInt16LE(2) : b.readUInt16BE(2)) === 43;
    if (big) return Number(le ? b.readBigUInt64LE(8) : b.readBigUInt64BE(8));
    return le ? b.readUInt32LE(4) : b.readUInt32BE(4);
  } finally {
    await fh.close();
  }
}

async function readHeader(image: GeoTIFFImage): Promise<TiffHeader> {
  const fd = image.getFileDirectory();
  const width = image.getWidth();
  const height = image.getHeight();
  const samples = image.getSamplesPerPixel();
  const bps = fd.getValue('BitsPerSample') as ArrayLike<number> | number | undefined;
  const bitsPerSample = bps === undefined ? [1] : typeof bps === 'number' ? [bps] : Array.from(bps);
  const sf = fd.getValue('SampleFormat') as ArrayLike<number> | number | undefined;
  const sampleFormat = sf === undefined ? 1 : typeof sf === 'number' ? sf : (sf[0] ?? 1);
  const extra = fd.getValue('ExtraSamples') as ArrayLike<number> | number | undefined;
  const extraArr = extra === undefined ? [] : typeof extra === 'number' ? [extra] : Array.from(extra);
  // ExtraSamples describe the samples after the colour ones: 1 associated, 2 unassociated alpha.
  const alphaAt = extraArr.findIndex((v) => v === 1 || v === 2);
  const alphaSample = alphaAt < 0 ? -1 : samples - extraArr.length + alphaAt;
  const offsetsTag = image.isTiled ? 'TileOffsets' : 'StripOffsets';
  const countsTag = image.isTiled ? 'TileByteCounts' : 'StripByteCounts';
  const offsets = (await fd.loadValue(offsetsTag)) as ArrayLike<number | bigint> | number | undefined;
  const counts = (await fd.loadValue(countsTag)) as ArrayLike<number | bigint> | number | undefined;
  if (offsets === undefined || counts === undefined) {
    throw new ProcessingError('corrupt_image', `TIFF has no ${offsetsTag}/${countsTag}: no pixel data`, 'file');
  }
  const offArr = typeof offsets === 'number' ? [offsets] : Array.from(offsets, Number);
  const cntArr = typeof counts === 'number' ? [counts] : Array.from(counts, Number);
  let dataEnd = 0;
  for (let i = 0; i < offArr.length; i++) dataEnd = Math.max(dataEnd, (offArr[i] ?? 0) + (cntArr[i] ?? 0));
  return {
    width,
    height,
    samples,
    bitsPerSample,
    sampleFormat,
    photometric: fd.getValue('PhotometricInterpretation') as number | undefined,
    alphaSample,
    tiled: image.isTiled,
    blockWidth: image.getBlockWidth(),
    blockHeight: image.getBlockHeight(0),
    nodata: image.getGDALNoData(),
    dataEnd,
    georef: readGeoref(image),
  };
}

function readGeoref(image: GeoTIFFImage): TiffHeader['georef'] {
  const fd = image.getFileDirectory();
  const keys = image.getGeoKeys() ?? {};
  const tie = fd.getValue('ModelTiepoint') as ArrayLike<number> | undefined;
  const scale = fd.getValue('ModelPixelScale') as ArrayLike<number> | undefined;
  const matrix = fd.getValue('ModelTransformation') as ArrayLike<number> | undefined;
  let t: GeoTransform;
  if (matrix && matrix.length >= 16) {
    const m = Array.from(matrix);
    t = [m[3]!, m[0]!, m[1]!, m[7]!, m[4]!, m[5]!];
  } else if (tie && tie.length >= 6 && scale && scale.length >= 2) {
    const [i = 0, j = 0, , x = 0, y = 0] = Array.from(tie);
    const sx = scale[0]!;
    const sy = scale[1]!;
    t = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  } else {
    return null;
  }
  // GDAL convention: with PixelIsPoint the tie point is a pixel centre; shift to the pixel edge.
  const pixelIsPoint = keys.GTRasterTypeGeoKey === 2;
  if (pixelIsPoint) t = [t[0] - 0.5 * (t[1] + t[2]), t[1], t[2], t[3] - 0.5 * (t[4] + t[5]), t[4], t[5]];
  let crs: string | null = null;
  const projected = keys.ProjectedCSTypeGeoKey as number | undefined;
  const geographic = keys.GeographicTypeGeoKey as number | undefined;
  if (keys.GTModelTypeGeoKey === 2 || (!projected && geographic)) {
    // A user-defined geographic CRS (32767) on the WGS 84 datum is still lon/lat for our purposes.
    crs = geographic && geographic !== 32767 ? `EPSG:${geographic}` : 'EPSG:4326';
  } else if (projected && projected !== 32767) {
    crs = `EPSG:${projected}`;
  }
  return { crs, transform: t, pixelIsPoint };
}
