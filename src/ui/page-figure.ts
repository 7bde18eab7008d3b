/** A page image with regions drawn over it as SVG rectangles (page-image pixels), coarse to fine. */
import type { Rect } from '../perception/geometry.ts';
import { blobImage, h, svg } from './dom.ts';

export function pageFigure(image: Promise<Blob>, alt: string, regions: readonly Rect[], caption?: string): HTMLElement {
  const overlay = svg('svg', { class: 'regions', 'aria-hidden': 'true', preserveAspectRatio: 'none' });
  regions.forEach((r, i) => {
    overlay.append(
      svg('rect', {
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
        class: `region depth-${Math.min(i, 3)}`,
        'data-region': i + 1,
        'vector-effect': 'non-scaling-stroke',
      }),
    );
  });
  const placeholder = h('div', { class: 'placeholder' }, 'Loading page…');
  const frame = h('div', { class: 'page-frame' }, placeholder, overlay);
  image.then(
    (blob) => {
      const img = blobImage(blob, alt);
      img.addEventListener('load', () => overlay.setAttribute('viewBox', `0 0 ${img.naturalWidth} ${img.naturalHeight}`), { once: true });
      placeholder.replaceWith(img);
    },
    () => (placeholder.textContent = `${alt} is not in this library.`),
  );
  return h('figure', { class: 'page-figure' }, frame, caption ? h('figcaption', {}, caption) : null);
}

/** A button showing a page's thumbnail (filled in when it loads) above a caption. */
export function thumbnailButton(thumbnail: Promise<Blob>, alt: string, caption: string, attributes: Record<string, string | boolean>): HTMLButtonElement {
  const image = h('span', { class: 'thumb-img' });
  thumbnail.then(
    (blob) => image.replaceChildren(blobImage(blob, alt, { loading: 'lazy' })),
    () => image.replaceChildren(h('span', { class: 'muted' }, 'missing')),
  );
  return h('button', { type: 'button', ...attributes }, image, h('span', { class: 'thumb-caption' }, caption));
}

/**
 * A thumbnail button whose image is fetched only when `load()` is called (when it scrolls into
 * view), so a strip of every page of a 300-page report reads a few thumbnails, not 300.
 */
export function lazyThumbnailButton(thumbnail: () => Promise<Blob>, caption: string, attributes: Record<string, string | boolean>): { button: HTMLButtonElement; load(): void } {
  const image = h('span', { class: 'thumb-img' });
  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    thumbnail().then(
      (blob) => image.replaceChildren(blobImage(blob, '')),
      () => image.replaceChildren(h('span', { class: 'muted' }, 'missing')),
    );
  };
  return { button: h('button', { type: 'button', ...attributes }, image, h('span', { class: 'thumb-caption' }, caption)), load };
}

/** An image filled in when its bytes arrive (a crop's PNG is encoded while the model reads the crop). */
export function pendingImage(image: Promise<Blob>, alt: string): HTMLElement {
  const slot = h('span', { class: 'placeholder' }, 'Loading crop…');
  image.then(
    (blob) => slot.replaceWith(blobImage(blob, alt)),
    () => (slot.textContent = `${alt} could not be shown.`),
  );
  return slot;
}
