/**
 * A recharts SVG as a PNG: clone the <svg>, give it explicit size, font and a white background, serialise it,
 * draw it on a canvas at 2× and encode. Works for any self-contained SVG (recharts sets paint as attributes).
 */
import { downloadBlob } from './download.ts';
import type { LegendItem } from '../charts/chart_data.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG's markup, standalone: namespace, size, font, a white background, the title and the legend. */
export function standaloneSvg(
  svg: SVGSVGElement,
  title?: string,
  legend: readonly LegendItem[] = [],
): { markup: string; width: number; height: number } {
  // A chart drawn in its own viewBox (scaled to its card) is exported at that size, in those coordinates.
  const view = svg.viewBox?.baseVal;
  const box = view && view.width > 0 ? { width: view.width, height: view.height } : svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || Number(svg.getAttribute('width')) || 600));
  const height = Math.max(1, Math.round(box.height || Number(svg.getAttribute('height')) || 300));
  const titleHeight = title ? 22 : 0;
  const legendHeight = legend.length > 0 ? 18 * Math.ceil(legend.length / 3) + 4 : 0;
  const clone = svg.cloneNode(true);
  if (!(clone instanceof SVGSVGElement)) throw new Error('not an SVG element');
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  const total = titleHeight + height + legendHeight;
  clone.setAttribute('height', String(total));
  clone.setAttribute('viewBox', `0 ${-titleHeight} ${width} ${total}`);
  clone.setAttribute('font-family', 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif');
  clone.setAttribute('font-size', '11');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('x', '0');
  bg.setAttribute('y', String(-titleHeight));
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(total));
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  if (title) {
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', '8');
    text.setAttribute('y', String(-6));
    text.setAttribute('font-size', '13');
    text.setAttribute('font-weight', '600');
    text.textContent = title;
    clone.appendChild(text);
  }
  const column = width / 3;
  legend.forEach((item, i) => {
    const x = 8 + (i % 3) * column;
    const y = height + 12 + 18 * Math.floor(i / 3);
    const line = document.createElementNS(SVG_NS, 'line');
    line.setAttribute('x1', String(x));
    line.setAttribute('x2', String(x + 18));
    line.setAttribute('y1', String(y - 4));
    line.setAttribute('y2', String(y - 4));
    line.setAttribute('stroke', item.colour);
    line.setAttribute('stroke-width', '2');
    if (item.dashed) line.setAttribute('stroke-dasharray', '4 3');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', String(x + 24));
    text.setAttribute('y', String(y));
    text.textContent = item.name;
    clone.append(line, text);
  });
  return { markup: new XMLSerializer().serializeToString(clone), width, height: total };
}

export async function svgToPng(svg: SVGSVGElement, title?: string, legend: readonly LegendItem[] = [], scale = 2): Promise<Blob> {
  const { markup, width, height } = standaloneSvg(svg, title, legend);
  const image = new Image();
  image.decoding = 'async';
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave nothing'))), 'image/png'),
  );
}

export async function saveChartPng(svg: SVGSVGElement, fileName: string, title?: string, legend: readonly LegendItem[] = []): Promise<void> {
  downloadBlob(await svgToPng(svg, title, legend), fileName);
}
