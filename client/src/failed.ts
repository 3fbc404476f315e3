// The failed-images dialog: which images of the site the analysis could not use, why (the server's own
// words), and a way to remove one with the API key, as the upload dialog sends it.
import type { Image, Site } from '../../contract/index.ts';
import { API_KEY_STORAGE, ApiError, deleteImage } from './api.ts';
import { h } from './dom.ts';
import { longDay } from './format.ts';

/** What a failed image's row says: when it was taken (UTC), what it is, why its analysis failed. */
export function describeFailed(img: Image): { when: string; what: string; why: string } {
  const time = img.acquiredAt.slice(11, 16);
  const when = `${longDay(img.acquiredAt)}${time && time !== '00:00' ? ` ${time}` : ''} UTC`;
  const gsd = img.gsdM >= 10 ? img.gsdM.toFixed(0) : img.gsdM.toFixed(1);
  const what = [img.sensor, `${img.width} × ${img.height} px`, `${gsd} m a pixel`, `uploaded ${longDay(img.createdAt)}`]
    .filter(Boolean)
    .join(' · ');
  return { when, what, why: img.error ?? 'The server recorded no reason.' };
}

/** How many failed, as the map's status line says it. */
export function failedNote(count: number): string {
  return `${count} image${count === 1 ? '' : 's'} failed analysis`;
}

export class FailedImagesDialog {
  #dialog: HTMLDialogElement;
  #list: HTMLElement;
  #key: HTMLInputElement;
  #keyError: HTMLElement;
  #site: Site | null = null;
  #images: Image[] = [];
  #onRemoved: (imageId: string) => void;

  /** `onRemoved` runs after the server removed an image (the app re-reads the site's images). */
  constructor(dialog: HTMLDialogElement, onRemoved: (imageId: string) => void) {
    this.#dialog = dialog;
    this.#onRemoved = onRemoved;
    this.#key = h('input', {
      type: 'password',
      id: 'failed-key',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': 'err-failed-key',
    });
    this.#keyError = h('p', { class: 'field-error', id: 'err-failed-key', 'aria-live': 'polite' });
    this.#list = h('ul', { class: 'failed-list', id: 'failed-list' });
    const close = () => this.#dialog.close();
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
        h('footer', { class: 'dialog-foot' }, h('button', { type: 'button', onclick: close }, 'Close')),
      ),
    );
  }

  get isOpen(): boolean {
    return this.#dialog.open;
  }

  open(site: Site, images: Image[]): void {
    this.#site = site;
    this.#key.value = localStorage.getItem(API_KEY_STORAGE) ?? '';
    this.#keyError.textContent = '';
    this.#key.removeAttribute('aria-invalid');
    this.update(images);
    if (!this.#dialog.open) this.#dialog.showModal();
    this.#list.querySelector<HTMLButtonElement>('button')?.focus();
  }

  /** Re-lists the failed images among `images` (the app's refresh calls this while the dialog is open). */
  update(images: Image[]): void {
    this.#images = images.filter((i) => i.status === 'failed' && i.siteId === this.#site?.id);
    const rows = this.#images.map((img) => {
      const { when, what, why } = describeFailed(img);
      const error = h('p', { class: 'field-error', id: `err-remove-${img.id}`, 'aria-live': 'polite' });
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'small danger',
          'data-image': img.id,
          'aria-label': `Remove the image of ${when}`,
          'aria-describedby': `err-remove-${img.id}`,
        },
        'Remove',
      );
      remove.addEventListener('click', () => void this.#remove(img, remove, error));
      return h(
        'li',
        { class: 'failed-item', 'data-image': img.id },
        h('div', { class: 'failed-head' }, h('strong', {}, when), remove),
        h('div', { class: 'failed-meta' }, what),
        h('p', { class: 'failed-why' }, why),
        error,
      );
    });
    this.#list.replaceChildren(...rows);
    if (rows.length === 0) this.#list.append(h('li', { class: 'failed-none' }, 'No failed images left on this site.'));
  }

  async #remove(img: Image, button: HTMLButtonElement, error: HTMLElement): Promise<void> {
    const key = this.#key.value.trim();
    error.textContent = '';
    this.#keyError.textContent = '';
    this.#key.removeAttribute('aria-invalid');
    if (!key) {
      this.#refuseKey('Enter an API key: removing an image needs one (the server prints it at first start).');
      return;
    }
    button.disabled = true;
    button.textContent = 'Removing…';
    try {
      await deleteImage(img.id, key);
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Remove';
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.#refuseKey(err.problem?.detail || 'The server refused this API key.');
        return;
      }
      // Gone already (another tab, the API): what the analyst wanted.
      if (!(err instanceof ApiError && err.status === 404)) {
        error.textContent =
          err instanceof ApiError ? err.message : `Could not reach the server: ${(err as Error).message}`;
        return;
      }
    }
    localStorage.setItem(API_KEY_STORAGE, key);
    this.update(this.#images.filter((i) => i.id !== img.id));
    this.#onRemoved(img.id);
  }

  #refuseKey(message: string): void {
    this.#keyError.textContent = message;
    this.#key.setAttribute('aria-invalid', 'true');
    this.#key.focus();
  }
}
