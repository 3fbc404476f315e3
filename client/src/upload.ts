// The upload dialog: drop a file, set its date and (unless it is a georeferenced GeoTIFF) bounds, send it
// with the API key, follow upload and analysis progress, and show the server's problems beside their fields.
import type { Bounds, Job, Site } from '../../contract/index.ts';
import { ApiError, api, uploadImage } from './api.ts';
import { apiKeyInput, rememberApiKey } from './api-key.ts';
import { byId, h } from './dom.ts';
import { failureReason } from './failed.ts';
import { longDay } from './format.ts';

const POLL_MS = 400;

type Field = 'file' | 'acquiredAt' | 'bounds' | 'sensor' | 'apiKey' | 'form';

/** A date in the file name (`…2026-03-14…` or `…20260314…`) pre-fills the date field. */
export function dateFromName(name: string): string | null {
  const m = /(20\d{2}|19\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** An ISO `yyyy-mm-dd` (single-digit month and day padded) that is a real calendar day; null otherwise. */
export function isoDate(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

/** A 24-hour `h:mm`, `hh:mm` or `hh:mm:ss` as `hh:mm:ss` (blank is midnight); null when it is not a time of day. */
export function utcTime(text: string): string | null {
  const t = text.trim();
  if (t === '') return '00:00:00';
  const m = /^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?$/.exec(t);
  if (!m || Number(m[1]) > 23) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
}

/** Maps a problem's field path (`bounds`, `bounds.0`, `acquiredAt`, `authorization`) to a form field. */
export function fieldOf(path: string): Field {
  const head = path.split(/[.[/]/)[0]?.toLowerCase() ?? '';
  if (head === 'file') return 'file';
  if (head === 'acquiredat') return 'acquiredAt';
  if (head === 'bounds') return 'bounds';
  if (head === 'sensor') return 'sensor';
  if (head === 'authorization' || head === 'apikey' || head === 'key') return 'apiKey';
  return 'form';
}

export class UploadDialog {
  #dialog = byId<HTMLDialogElement>('upload-dialog');
  #site: Site | null = null;
  #file: File | null = null;
  #busy = false;
  #onDone: (imageId: string) => void;
  #els!: {
    drop: HTMLElement;
    fileInput: HTMLInputElement;
    fileName: HTMLElement;
    date: HTMLInputElement;
    time: HTMLInputElement;
    geo: HTMLInputElement;
    bounds: HTMLInputElement[];
    sensor: HTMLInputElement;
    key: HTMLInputElement;
    submit: HTMLButtonElement;
    uploadBar: HTMLProgressElement;
    jobBar: HTMLProgressElement;
    status: HTMLElement;
    errors: Record<Field, HTMLElement>;
  };

  constructor(onDone: (imageId: string) => void) {
    this.#onDone = onDone;
    this.#build();
  }

  open(site: Site): void {
    this.#site = site;
    const [w, s, e, n] = site.bounds;
    [w, s, e, n].forEach((v, i) => {
      const input = this.#els.bounds[i];
      if (input && !input.value) input.value = String(v);
    });
    byId('upload-site').textContent = site.name;
    if (!this.#dialog.open) this.#dialog.showModal();
    (this.#file ? this.#els.date : this.#els.fileInput).focus();
  }

  #build(): void {
    const err = (f: Field) => h('p', { class: 'field-error', id: `err-${f}`, 'aria-live': 'polite' });
    const errors = {
      file: err('file'),
      acquiredAt: err('acquiredAt'),
      bounds: err('bounds'),
      sensor: err('sensor'),
      apiKey: err('apiKey'),
      form: err('form'),
    } satisfies Record<Field, HTMLElement>;
    const fileInput = h('input', {
      type: 'file',
      id: 'upload-file',
      class: 'sr-only',
      accept: '.tif,.tiff,.png,.jpg,.jpeg,.webp,image/*',
      'aria-describedby': 'err-file',
    });
    const fileName = h('span', { class: 'file-name' }, 'No file chosen');
    const drop = h(
      'label',
      { class: 'drop', for: 'upload-file', id: 'upload-drop' },
      h('strong', {}, 'Drop an image here'),
      h('span', {}, ' or click to choose — GeoTIFF, PNG, JPEG, WebP'),
      fileName,
    );
    // Text, not type=date: Chromium draws a date input in the browser's locale order (03/14/2026 in en-US),
    // ambiguous beside the UTC time; ISO yyyy-mm-dd is checked by isoDate before sending.
    const date = h('input', {
      type: 'text',
      id: 'upload-date',
      required: true,
      placeholder: 'yyyy-mm-dd',
      inputmode: 'numeric',
      maxlength: 10,
      size: 10,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'Acquisition date, UTC, yyyy-mm-dd',
      'aria-describedby': 'err-acquiredAt',
    });
    // Text, not type=time: Chromium draws a time input in the browser's locale (12:00:00 AM), which reads as
    // local time and 12-hour under a UTC label. 24-hour hh:mm[:ss] is checked by utcTime before sending.
    const time = h('input', {
      type: 'text',
      id: 'upload-time',
      value: '00:00:00',
      placeholder: 'hh:mm:ss',
      inputmode: 'numeric',
      maxlength: 8,
      size: 8,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'Acquisition time, UTC, 24-hour hh:mm:ss',
      'aria-describedby': 'err-acquiredAt',
    });
    const geo = h('input', { type: 'checkbox', id: 'upload-geo' });
    const names = ['West', 'South', 'East', 'North'];
    const bounds = names.map((n) =>
      h('input', {
        type: 'number',
        step: 'any',
        id: `upload-${n.toLowerCase()}`,
        'aria-describedby': 'err-bounds',
        inputmode: 'decimal',
      }),
    );
    const sensor = h('input', {
      type: 'text',
      id: 'upload-sensor',
      placeholder: 'e.g. PlanetScope, WorldView-3',
      maxlength: 100,
      'aria-describedby': 'err-sensor',
    });
    const key = apiKeyInput('upload-key', 'err-apiKey');
    const submit = h('button', { type: 'submit', class: 'primary', id: 'upload-submit' }, 'Upload and analyse');
    const uploadBar = h('progress', { id: 'upload-progress', max: 1, value: 0, 'aria-label': 'Upload progress' });
    const jobBar = h('progress', { id: 'job-progress', max: 1, value: 0, 'aria-label': 'Analysis progress' });
    const status = h('p', { class: 'upload-status', id: 'upload-status', role: 'status', 'aria-live': 'polite' });
    this.#els = {
      drop,
      fileInput,
      fileName,
      date,
      time,
      geo,
      bounds,
      sensor,
      key,
      submit,
      uploadBar,
      jobBar,
      status,
      errors,
    };

    const boundsSet = h(
      'fieldset',
      { class: 'bounds', id: 'upload-bounds' },
      h('legend', {}, 'Bounds (EPSG:4326 degrees)'),
      h('div', { class: 'bounds-grid' }, ...bounds.map((b, i) => h('label', {}, names[i], b))),
      errors.bounds,
    );
    geo.addEventListener('change', () => {
      boundsSet.disabled = geo.checked;
    });
    const form = h(
      'form',
      { method: 'dialog', class: 'upload-form', novalidate: true },
      h(
        'header',
        { class: 'dialog-head' },
        h('h2', { id: 'upload-title' }, 'Upload an image to ', h('span', { id: 'upload-site' })),
        h(
          'button',
          { type: 'button', class: 'icon close', 'aria-label': 'Close', onclick: () => this.#dialog.close() },
          '×',
        ),
      ),
      drop,
      fileInput,
      errors.file,
      h(
        'div',
        { class: 'row' },
        h('label', { for: 'upload-date' }, 'Acquired (UTC)'),
        h('div', { class: 'inline' }, date, time, h('span', { class: 'unit' }, 'UTC, 24 h')),
      ),
      errors.acquiredAt,
      h(
        'div',
        { class: 'toggle' },
        geo,
        h('label', { for: 'upload-geo' }, 'Georeferenced GeoTIFF', h('small', {}, 'use the bounds stored in the file')),
      ),
      boundsSet,
      h('div', { class: 'row' }, h('label', { for: 'upload-sensor' }, 'Sensor (optional)'), sensor),
      errors.sensor,
      h('div', { class: 'row' }, h('label', { for: 'upload-key' }, 'API key'), key),
      errors.apiKey,
      h(
        'div',
        { class: 'progress-rows' },
        h('label', { for: 'upload-progress' }, 'Upload'),
        uploadBar,
        h('label', { for: 'job-progress' }, 'Analysis'),
        jobBar,
      ),
      status,
      errors.form,
      h(
        'footer',
        { class: 'dialog-foot' },
        h('button', { type: 'button', onclick: () => this.#dialog.close() }, 'Close'),
        submit,
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#send();
    });
    fileInput.addEventListener('change', () => this.#setFile(fileInput.files?.[0] ?? null));
    for (const ev of ['dragenter', 'dragover']) {
      drop.addEventListener(ev, (e) => {
        e.preventDefault();
        drop.classList.add('over');
      });
    }
    for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      this.#setFile((e as DragEvent).dataTransfer?.files[0] ?? null);
    });
    this.#dialog.append(form);
  }

  #setFile(file: File | null): void {
    this.#file = file;
    const { fileName, date, geo } = this.#els;
    fileName.textContent = file ? `${file.name} · ${(file.size / 1e6).toFixed(1)} MB` : 'No file chosen';
    this.#clearErrors();
    if (!file) return;
    const d = dateFromName(file.name);
    if (d && !date.value) date.value = d;
    geo.checked = /\.tiff?$/i.test(file.name);
    geo.dispatchEvent(new Event('change'));
  }

  #clearErrors(): void {
    for (const el of Object.values(this.#els.errors)) el.textContent = '';
    for (const el of this.#dialog.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  #showError(field: Field, message: string): void {
    const el = this.#els.errors[field];
    el.textContent = el.textContent ? `${el.textContent} ${message}` : message;
    const inputs: Record<Field, HTMLElement[]> = {
      file: [this.#els.drop],
      acquiredAt: [this.#els.date],
      bounds: this.#els.bounds,
      sensor: [this.#els.sensor],
      apiKey: [this.#els.key],
      form: [],
    };
    for (const i of inputs[field]) i.setAttribute('aria-invalid', 'true');
  }

  async #send(): Promise<void> {
    if (this.#busy || !this.#site) return;
    this.#clearErrors();
    const { date, time, geo, bounds, sensor, key, uploadBar, jobBar, status, submit } = this.#els;
    // Checks the browser can make before sending; everything else is the server's word.
    if (!this.#file) this.#showError('file', 'Choose an image file to upload.');
    const day = isoDate(date.value);
    if (!date.value.trim()) this.#showError('acquiredAt', 'Enter the date the image was acquired.');
    else if (day === null) this.#showError('acquiredAt', 'Enter the date as yyyy-mm-dd (e.g. 2026-03-14).');
    if (!key.value.trim())
      this.#showError('apiKey', 'Enter an API key: uploads need one (the server prints it at first start).');
    const hms = utcTime(time.value);
    if (hms === null) {
      this.#showError('acquiredAt', 'Enter the time as 24-hour UTC hh:mm or hh:mm:ss (e.g. 14:05:00).');
      time.setAttribute('aria-invalid', 'true');
    }
    if (!this.#file || day === null || !key.value.trim() || hms === null) return;
    const form = new FormData();
    form.append('acquiredAt', `${day}T${hms}Z`);
    if (!geo.checked) {
      const b = bounds.map((i) => i.value.trim());
      if (b.some((v) => v === '')) {
        this.#showError('bounds', 'Enter all four bounds, or tick "Georeferenced GeoTIFF".');
        return;
      }
      form.append('bounds', JSON.stringify(b.map(Number) as Bounds));
    }
    if (sensor.value.trim()) form.append('sensor', sensor.value.trim());
    form.append('file', this.#file);
    rememberApiKey(key.value.trim());

    this.#busy = true;
    submit.disabled = true;
    uploadBar.value = 0;
    jobBar.value = 0;
    status.textContent = 'Uploading…';
    try {
      const res = await uploadImage(this.#site.id, form, key.value.trim(), (f) => {
        uploadBar.value = f;
      });
      uploadBar.value = 1;
      if (res.status === 200 || !res.job) {
        status.textContent = `Already in this site: the image of ${longDay(res.image.acquiredAt)}.`;
        jobBar.value = 1;
        this.#onDone(res.image.id);
        return;
      }
      status.textContent = 'Uploaded. Analysing…';
      const job = await this.#follow(res.job);
      if (job.status === 'failed') {
        // Worded as the failed-images dialog words it, by the kind of failure, the server's words kept.
        const { why, detail } = failureReason(job.error, job.errorCode);
        this.#showError('form', `Analysis failed: ${why}${detail ? ` (${detail})` : ''}`);
        status.textContent = '';
        return;
      }
      status.textContent = `Done: ${longDay(res.image.acquiredAt)} is on the timeline.`;
      this.#onDone(res.image.id);
    } catch (err) {
      status.textContent = '';
      this.#report(err);
    } finally {
      this.#busy = false;
      submit.disabled = false;
    }
  }

  async #follow(job: Job): Promise<Job> {
    let current = job;
    while (current.status === 'queued' || current.status === 'running') {
      this.#els.jobBar.value = current.progress;
      this.#els.status.textContent =
        current.status === 'queued'
          ? 'Uploaded. Waiting for a worker…'
          : `Analysing… ${Math.round(current.progress * 100)} %`;
      await new Promise((r) => setTimeout(r, POLL_MS));
      current = await api.job(current.id);
    }
    this.#els.jobBar.value = 1;
    return current;
  }

  /** Puts each of the server's problems beside its field, in its own words. */
  #report(err: unknown): void {
    if (!(err instanceof ApiError)) {
      this.#showError('form', `Upload failed: ${(err as Error).message}`);
      return;
    }
    if (err.status === 0) {
      this.#showError('form', 'Could not reach the server. Check your connection and try again.');
      return;
    }
    const p = err.problem;
    if (err.status === 401 || err.status === 403) {
      this.#showError('apiKey', p?.detail || 'The server refused this API key.');
      return;
    }
    if (p?.errors?.length) {
      for (const e of p.errors) this.#showError(fieldOf(e.field), e.message);
      return;
    }
    // A problem with no field list: the whole file is at fault for 413/415, else the form.
    const field: Field = err.status === 413 || err.status === 415 ? 'file' : 'form';
    this.#showError(field, p ? `${p.title}: ${p.detail}` : `The server answered ${err.status}.`);
  }
}
