/** Pages of text drawn on OffscreenCanvas, dark on white, in the layout's fonts and places (browser/worker only). */
import { canvas2d } from '../perception/canvas-2d.ts';
import type { TextStyle } from './text-blocks.ts';
import { letterPage, pageMargin, textStyles, type LaidPage, type Measure } from './text-layout.ts';

const SANS = 'Arial, Helvetica, "DejaVu Sans", "Liberation Sans", sans-serif';
const MONO = 'Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

/** The CSS font of each style on a page `height` pixels tall. */
function fonts(height: number): Record<TextStyle, string> {
  const styles = textStyles(height);
  const font = (style: TextStyle) => {
    const s = styles[style];
    return `${s.bold ? 'bold ' : ''}${s.size.toFixed(2)}px ${s.mono ? MONO : SANS}`;
  };
  return { body: font('body'), mono: font('mono'), h1: font('h1'), h2: font('h2'), h3: font('h3'), h4: font('h4') };
}

/** Text widths as the page will be drawn (canvas measureText), for the layout. */
export function canvasMeasure(height: number): Measure {
  const context = new OffscreenCanvas(1, 1).getContext('2d')!;
  const font = fonts(height);
  let current: TextStyle | null = null;
  return (text, style) => {
    if (style !== current) context.font = font[(current = style)];
    return context.measureText(text).width;
  };
}

/** One laid-out page as a page image. */
export function drawTextPage(page: LaidPage, height: number): OffscreenCanvas {
  const size = letterPage(height);
  const { canvas, context } = canvas2d(size);
  const font = fonts(height);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size.width, size.height);
  context.fillStyle = '#111';
  context.textBaseline = 'alphabetic';
  for (const line of page.lines) {
    context.font = font[line.style];
    context.fillText(line.text, line.x, line.baseline);
  }
  const margin = pageMargin(height);
  context.strokeStyle = '#888';
  context.lineWidth = Math.max(1, Math.round(height / 800));
  for (const y of page.rules) {
    context.beginPath();
    context.moveTo(margin, y);
    context.lineTo(size.width - margin, y);
    context.stroke();
  }
  return canvas;
}
