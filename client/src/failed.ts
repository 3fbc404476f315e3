// The failed-images dialog: which images of the site the analysis could not use, why (in words for the
// analyst, the server's own words a click away), and a way to remove one with the API key.
import type { Image, JobErrorCode, Site } from '../../contract/index.ts';
import { ApiError, deleteImage } from './api.ts';
import { apiKeyInput, rememberApiKey, storedApiKey } from './api-key.ts';
import { h } from './dom.ts';
import { longDay, utcTime } from './format.ts';

/**
 * The reason the analyst reads for each kind of failure the server reports (Image.errorCode). Not for
 * `image_rejected`: the server's sentence names the rule the image breaks (bands, overlap, resolution).
 */
const BY_CODE: Record<Exclude<JobErrorCode, 'image_rejected'>, string> = {
  damaged_data: 'The image data is damaged and could not be decoded.',
  aborted: 'The analysis was cancelled before it finished.',
  worker_crashed: 'The analysis stopped unexpectedly (the server’s analysis worker crashed).',
  internal: 'The server could not analyse this image: an error of its own, not of the image.',
};

/**
 * Errors that are a decoder's or the runtime's own words (a damaged file breaks them mid-read), not a
 * reason the pipeline gave. Read only for failures recorded without a code (by a server older than
 * Image.errorCode): the analyst is told the data is damaged, the words kept as detail.
 */
const INTERNAL = [
  /typed array|array length|offset is outside the bounds of|out of range/i,
  /cannot read propert|is not a function|is not defined|maximum call stack/i,
  /header check|invalid (block|distance|code|stored)|unexpected end|incorrect data|zlib|inflate|decompress|lzw/i,
];

/** What an older server's text alone tells (no code recorded). */
function reasonFromText(error: string): { why: string; detail: string | null } {
  if (/^analysis worker exited/i.test(error)) return { why: BY_CODE.worker_crashed, detail: error };
  if (INTERNAL.some((re) => re.test(error))) return { why: BY_CODE.damaged_data, detail: error };
  return { why: error, detail: null };
}

/**
 * What the analyst reads as the reason (`why`) and, when that is not the server's text, the server's text.
 * `code` picks the wording; an older server sends none (its text is read instead) and a newer one may
 * send a code this app does not know yet (taken as the server's own error).
 */
export function failureReason(
  error: string | null,
  code: string | null | undefined,
): { why: string; detail: string | null } {
  const none = { why: 'The server recorded no reason.', detail: null };
  if (code === null || code === undefined) return error ? reasonFromText(error) : none;
  if (code === 'image_rejected') return error ? { why: error, detail: null } : none;
  const why = Object.hasOwn(BY_CODE, code) ? BY_CODE[code as keyof typeof BY_CODE] : BY_CODE.internal;
  return { why, detail: error || null };
}

/** What a failed image's row says: when it was taken (UTC), what it is, why its analysis failed. */
export function describeFailed(img: Image): { when: string; what: string; why: string; detail: string | null } {
  const when = `${longDay(img.acquiredAt)} ${utcTime(img.acquiredAt)}`;
  const gsd = img.gsdM >= 10 ? img.gsdM.toFixed(0) : img.gsdM.toFixed(1);
  const what = [img.sensor, `${img.width} × ${img.height} px`, `${gsd} m a pixel`, `uploaded ${longDay(img.createdAt)}`]
    .filter(Boolean)
    .join(' · ');
  return { when, what, ...failureReason(img.error, img.errorCode) };
}

/** How many failed, as the map's status line says it. */
export function failedNote(count: number): string {
  return `${count} image${count === 1 ? '' : 's'} failed analysis`;
}

interface Row {
  item: HTMLLIElement;
  remove: HTMLButtonElement;
  error: HTMLElement;
  when: HTMLElement;
  what: HTMLElement;
  why: HTMLElement;
  detail: HTMLElement;
  detailText: HTMLElement;
  /** Clicked once: the next click deletes (the original is gone for good). */
  armed: boolean;
  busy: boolean;
}

export class FailedImagesDialog {
  #dialog: HTMLDialogElement;
  #list: HTMLElement;
  #none: HTMLElement;
  #key: HTMLInputElement;
  #keyError: HTMLElement;
  #close: HTMLButtonElement;
  #site: Site | null = null;
  #images: Image[] = [];
  #rows = new Map<string, Row>();
  #onRemoved: (imageId: string) => void;

  /** `onRemoved` runs after the server removed an image (the app re-reads the site's images). */
  constructor(dialog: HTMLDialogElement, onRemoved: (imageId: string) => void) {
    this.#dialog = dialog;
    this.#onRemoved = onRemoved;
    this.#key = apiKeyInput('failed-key', 'err-failed-key');
    this.#keyError = h('p', { class: 'field-error', id: 'err-failed-key', 'aria-live': 'polite' });
    this.#list = h('ul', { class: 'failed-list', id: 'failed-list' });
    this.#none = h('li', { class: 'failed-none' }, 'No failed images left on this site.');
    const close = () => this.#dialog.close();
    this.#close = h('button', { type: 'button', id: 'failed-close', onclick: close }, 'Close');
    dialog.addEventListener('close', () => {
      for (const row of this.#rows.values()) this.#disarm(row);
    });
    dialog.append(
      h(
        'div',
        { class: 'upload-form' },
        h(
          'header',
          { class: 'dialog-head' },
          h('h2', { id: 'failed-title' }, 'Images that failed analysis'),
          h('button', { type: 'button', class: 'icon close', 'aria-label': 'Close', onclick: close }, '×'),
        ),
        h(
          'p',
          { class: 'dialog-note' },
          'These images are stored but have no scores, detections or imagery on the map. Remove one to upload it again corrected, or to clear it from the site.',
        ),
        this.#list,
        h('div', { class: 'row' }, h('label', { for: 'failed-key' }, 'API key'), this.#key),
        this.#keyError,
        h('footer', { class: 'dialog-foot' }, this.#close),
      ),
    );
  }

  get isOpen(): boolean {
    return this.#dialog.open;
  }

  open(site: Site, images: Image[]): void {
    if (this.#site?.id !== site.id) {
      this.#rows.clear();
      this.#list.replaceChildren();
    }
    this.#site = site;
    this.#key.value = storedApiKey();
    this.#keyError.textContent = '';
    this.#key.removeAttribute('aria-invalid');
    this.update(images);
    if (!this.#dialog.open) this.#dialog.showModal();
    this.#focusFrom(0);
  }

  /**
   * Brings the list up to `images` (the app's refresh calls this every 3 s while the dialog is open): rows
   * are updated in place, so focus, an armed Remove and an error shown beside a row survive a refresh.
   */
  update(images: Image[]): void {
    const focused = this.#focusedIndex();
    this.#images = images.filter((i) => i.status === 'failed' && i.siteId === this.#site?.id);
    const wanted = new Set(this.#images.map((i) => i.id));
    for (const [id, row] of this.#rows) {
      if (wanted.has(id) || row.busy) continue;
      row.item.remove();
      this.#rows.delete(id);
    }
    let before: ChildNode | null = this.#list.firstChild;
    for (const img of this.#images) {
      let row = this.#rows.get(img.id);
      if (!row) {
        row = this.#row(img);
        this.#rows.set(img.id, row);
        this.#list.insertBefore(row.item, before);
      }
      this.#fill(row, img);
      before = row.item.nextSibling;
    }
    if (this.#rows.size === 0) this.#list.append(this.#none);
    else this.#none.remove();
    // The focused row went (removed elsewhere): focus moves to its successor, not out of the dialog.
    if (focused !== null && !this.#dialog.contains(document.activeElement)) this.#focusFrom(focused);
  }

  #row(img: Image): Row {
    const error = h('p', { class: 'field-error', id: `err-remove-${img.id}`, 'aria-live': 'polite' });
    const remove = h(
      'button',
      { type: 'button', class: 'small danger', 'data-image': img.id, 'aria-describedby': `err-remove-${img.id}` },
      'Remove',
    );
    const when = h('strong', {});
    const detailText = h('code', {});
    const row: Row = {
      item: h('li', { class: 'failed-item', 'data-image': img.id }),
      remove,
      error,
      when,
      what: h('div', { class: 'failed-meta' }),
      why: h('p', { class: 'failed-why' }),
      detail: h('details', { class: 'failed-detail' }, h('summary', {}, 'Server’s message'), detailText),
      detailText,
      armed: false,
      busy: false,
    };
    row.item.append(h('div', { class: 'failed-head' }, when, remove), row.what, row.why, row.detail, error);
    remove.addEventListener('click', () => void this.#click(img.id, row));
    return row;
  }

  #fill(row: Row, img: Image): void {
    const { when, what, why, detail } = describeFailed(img);
    row.when.textContent = when;
    row.what.textContent = what;
    row.why.textContent = why;
    row.detail.hidden = detail === null;
    row.detailText.textContent = detail ?? '';
    if (!row.armed && !row.busy) row.remove.setAttribute('aria-label', `Remove the image of ${when}`);
  }

  async #click(imageId: string, row: Row): Promise<void> {
    if (row.busy) return;
    const img = this.#images.find((i) => i.id === imageId);
    if (!img) return;
    const key = this.#key.value.trim();
    row.error.textContent = '';
    this.#keyError.textContent = '';
    this.#key.removeAttribute('aria-invalid');
    if (!key) {
      this.#refuseKey('Enter an API key: removing an image needs one (the server prints it at first start).');
      return;
    }
    // The stored original is deleted for good: the first click asks, the second removes.
    if (!row.armed) {
      for (const other of this.#rows.values()) this.#disarm(other);
      row.armed = true;
      row.remove.textContent = 'Remove for good';
      row.remove.classList.add('armed');
      row.remove.setAttribute('aria-label', `Confirm: remove the image of ${describeFailed(img).when} for good`);
      row.error.textContent = 'The stored original is deleted and cannot be restored. Click again to remove it.';
      return;
    }
    row.busy = true;
    row.remove.disabled = true;
    row.remove.textContent = 'Removing…';
    try {
      await deleteImage(imageId, key);
    } catch (err) {
      row.busy = false;
      row.remove.disabled = false;
      this.#disarm(row);
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.#refuseKey(err.problem?.detail || 'The server refused this API key.');
        return;
      }
      // Gone already (another tab, the API): what the analyst wanted.
      if (!(err instanceof ApiError && err.status === 404)) {
        row.error.textContent =
          err instanceof ApiError ? err.message : `Could not reach the server: ${(err as Error).message}`;
        row.remove.focus();
        return;
      }
    }
    rememberApiKey(key);
    const at = [...this.#rows.values()].indexOf(row);
    row.busy = false;
    row.item.remove();
    this.#rows.delete(imageId);
    this.update(this.#images.filter((i) => i.id !== imageId));
    this.#focusFrom(at);
    this.#onRemoved(imageId);
  }

  #disarm(row: Row): void {
    if (!row.armed) return;
    row.armed = false;
    row.remove.textContent = 'Remove';
    row.remove.classList.remove('armed');
    row.error.textContent = '';
    const img = this.#images.find((i) => row.remove.dataset.image === i.id);
    if (img) row.remove.setAttribute('aria-label', `Remove the image of ${describeFailed(img).when}`);
  }

  /** Focuses the Remove of the row at `index` (or the last one), or Close when no row is left. */
  #focusFrom(index: number): void {
    const rows = [...this.#rows.values()];
    (rows[Math.min(index, rows.length - 1)]?.remove ?? this.#close).focus();
  }

  #focusedIndex(): number | null {
    const a = document.activeElement;
    if (!(a instanceof HTMLElement) || !this.#list.contains(a)) return null;
    const i = [...this.#rows.values()].findIndex((r) => r.item.contains(a));
    return i < 0 ? null : i;
  }

  #refuseKey(message: string): void {
    this.#keyError.textContent = message;
    this.#key.setAttribute('aria-invalid', 'true');
    this.#key.focus();
  }
}
