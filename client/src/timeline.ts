// The time slider over the site's dates: a native range input (keyboard and screen-reader operable),
// month ticks, step buttons and play.
import type { Image } from '../../contract/index.ts';
import { dateLabel, day, sharedDays, shortMonth } from './format.ts';

/** Milliseconds per date while playing: long enough for the next date's tiles (preloaded) to settle. */
const PLAY_MS = 1200;
/** Least distance between two month labels under the slider, in px: a label (`Sept 25`) is ~36 px wide. */
const LABEL_GAP_PX = 44;

export class Timeline {
  #slider = document.getElementById('timeline-slider') as HTMLInputElement;
  #ticks = document.getElementById('ticks') as HTMLDivElement;
  #play = document.getElementById('play') as HTMLButtonElement;
  #back = document.getElementById('step-back') as HTMLButtonElement;
  #fwd = document.getElementById('step-forward') as HTMLButtonElement;
  #dates: Image[] = [];
  /** Days holding more than one date, whose labels carry the time. */
  #shared = new Set<string>();
  #timer: number | null = null;

  constructor(
    private readonly onIndex: (index: number) => void,
    private readonly onPlaying: (playing: boolean) => void,
  ) {
    this.#slider.addEventListener('input', () => this.onIndex(Number(this.#slider.value)));
    this.#back.addEventListener('click', () => this.step(-1));
    this.#fwd.addEventListener('click', () => this.step(1));
    this.#play.addEventListener('click', () => this.onPlaying(this.#timer === null));
    this.#ticks.addEventListener('click', (e) => {
      const i = (e.target as HTMLElement).closest<HTMLElement>('[data-index]')?.dataset.index;
      if (i !== undefined) this.onIndex(Number(i));
    });
    new ResizeObserver(() => this.#spaceLabels()).observe(this.#ticks);
  }

  step(delta: number): void {
    const n = this.#dates.length;
    if (n === 0) return;
    const i = Math.min(n - 1, Math.max(0, Number(this.#slider.value) + delta));
    this.onIndex(i);
  }

  setDates(dates: Image[]): void {
    this.#dates = dates;
    this.#slider.max = String(Math.max(0, dates.length - 1));
    this.#slider.disabled = dates.length < 2;
    this.#play.disabled = dates.length < 2;
    this.#shared = sharedDays(dates);
    const frag = document.createDocumentFragment();
    let lastLabel = '';
    dates.forEach((d, i) => {
      const tick = document.createElement('span');
      tick.className = 'tick';
      tick.dataset.index = String(i);
      tick.style.left = `${dates.length > 1 ? (i / (dates.length - 1)) * 100 : 50}%`;
      tick.title = dateLabel(d.acquiredAt, this.#shared);
      const label = shortMonth(d.acquiredAt);
      if (label !== lastLabel) {
        tick.dataset.month = label;
        lastLabel = label;
      }
      frag.append(tick);
    });
    this.#ticks.replaceChildren(frag);
    this.#spaceLabels();
  }

  /**
   * Labels the first date of each month, skipping a month whose label would overlap the previous one's:
   * dates are spaced by their order, so months with several dates crowd the slider, more so when narrow.
   */
  #spaceLabels(): void {
    const width = this.#ticks.clientWidth;
    const n = this.#dates.length;
    let last = Number.NEGATIVE_INFINITY;
    for (const el of this.#ticks.children) {
      const tick = el as HTMLElement;
      const month = tick.dataset.month;
      const x = n > 1 ? (Number(tick.dataset.index) / (n - 1)) * width : width / 2;
      if (month && x - last >= LABEL_GAP_PX) {
        tick.dataset.label = month;
        last = x;
      } else delete tick.dataset.label;
    }
  }

  setIndex(index: number): void {
    this.#slider.value = String(index);
    const d = this.#dates[index];
    this.#slider.setAttribute(
      'aria-valuetext',
      d ? `${dateLabel(d.acquiredAt, this.#shared)} (${index + 1} of ${this.#dates.length})` : 'no dates',
    );
    this.#slider.dataset.date = d ? day(d.acquiredAt) : '';
    for (const t of this.#ticks.children) t.classList.toggle('on', (t as HTMLElement).dataset.index === String(index));
    this.#back.disabled = index <= 0;
    this.#fwd.disabled = index >= this.#dates.length - 1;
  }

  setPlaying(playing: boolean): void {
    this.#play.setAttribute('aria-pressed', String(playing));
    this.#play.setAttribute('aria-label', playing ? 'Pause' : 'Play through dates');
    if (playing && this.#timer === null) {
      this.#timer = window.setInterval(() => {
        const i = Number(this.#slider.value);
        this.onIndex(i >= this.#dates.length - 1 ? 0 : i + 1);
      }, PLAY_MS);
    } else if (!playing && this.#timer !== null) {
      window.clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}
