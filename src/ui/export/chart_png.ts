/**
 * A recharts SVG as a PNG: clone the <svg>, give it explicit size, font and a white background, serialise it,
 * draw it on a canvas at 2× and encode. Works for any self-contained SVG (recharts sets paint as attributes).
 */
import { downloadBlob } from './download.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG's markup, standalone: namespace, size, font and a white background rectangle. */
export function standaloneSvg(svg: SVGSVGElement, title?: string): { markup: string; width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || Number(svg.getAttribute('width')) || 600));
  const height = Math.max(1, Math.round(box.height || Number(svg.getAttribute('height')) || 300));
  const titleHeight = title ? 22 : 0;
  const clone = svg.cloneNode(true);
  if (!(clone instanceof SVGSVGElement)) throw new Error('not an SVG element');
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height + titleHeight));
  clone.setAttribute('viewBox', `0 ${-titleHeight} ${width} ${height + titleHeight}`);
  clone.setAttribute('font-family', 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif');
  clone.setAttribute('font-size', '11');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('x', '0');
  bg.setAttribute('y', String(-titleHeight));
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(height + titleHeight));
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
  return { markup: new XMLSerializer().serializeToString(clone), width, height: height + titleHeight };
}

export async function svgToPng(svg: SVGSVGElement, title?: string, scale = 2): Promise<Blob> {
  const { markup, width, height } = standaloneSvg(svg, title);
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

export async function saveChartPng(svg: SVGSVGElement, fileName: string, title?: string): Promise<void> {
  downloadBlob(await svgToPng(svg, title), fileName);
}
