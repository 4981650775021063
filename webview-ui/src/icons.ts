// Icons as one inline SVG sprite (built with createElementNS, no markup
// strings, no font or image to load: the HTML report has no assets).

import type { StepIcon } from '../../src/core/replay/replayTypes';

const SVG = 'http://www.w3.org/2000/svg';

export type ControlIcon = 'play' | 'pause' | 'prev' | 'next' | 'first' | 'last' | 'follow' | 'back' | 'file' | 'diff' | 'check' | 'cross' | 'block' | 'dash' | 'user';
export type IconName = StepIcon | ControlIcon;

/** 16×16 paths; `fill` icons are solid, the others stroked with currentColor. */
const ICONS: Readonly<Record<IconName, { d: string; fill?: boolean }>> = {
  play: { d: 'M4.5 2.5v11l9-5.5z', fill: true },
  pause: { d: 'M4 2.5h3v11H4zM9 2.5h3v11H9z', fill: true },
  prev: { d: 'M3 2.5h2v11H3zM13 2.5v11L6 8z', fill: true },
  next: { d: 'M11 2.5h2v11h-2zM3 2.5v11L10 8z', fill: true },
  first: { d: 'M2 2.5h2v11H2zM9.5 2.5v11L4.5 8zM15 2.5v11L10 8z', fill: true },
  last: { d: 'M12 2.5h2v11h-2zM6.5 2.5v11L11.5 8zM1 2.5v11L6 8z', fill: true },
  follow: { d: 'M8 2v9M4 7.5 8 11.5l4-4M3 14h10' },
  back: { d: 'M10 3 5 8l5 5' },
  file: { d: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3' },
  diff: { d: 'M4 2v7M1.5 5.5h5M12 9.5v4.5M9.5 12h5M8 2v12' },
  check: { d: 'M3 8.5 6.5 12 13 4.5' },
  cross: { d: 'M4 4l8 8M12 4l-8 8' },
  block: { d: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM3.8 3.8l8.4 8.4' },
  dash: { d: 'M4 8h8' },
  user: { d: 'M8 2.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM3 14c.5-3 2.5-4.5 5-4.5s4.5 1.5 5 4.5' },
  model: { d: 'M8 1.5l1.6 4.9L14.5 8l-4.9 1.6L8 14.5l-1.6-4.9L1.5 8l4.9-1.6z' },
  tool: { d: 'M10.5 1.8a3.3 3.3 0 0 0-3 4.6L1.8 12.1l2.1 2.1 5.7-5.7a3.3 3.3 0 0 0 4.6-3l-2 1.9-2-.5-.6-2z' },
  read: { d: 'M1 8s2.5-4.5 7-4.5S15 8 15 8s-2.5 4.5-7 4.5S1 8 1 8zM8 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z' },
  write: { d: 'M3.5 1.5h6l3 3v10h-9zM8 7v5M5.5 9.5h5' },
  edit: { d: 'M11 2l3 3-8 8H3v-3zM9.5 3.5l3 3' },
  shell: { d: 'M1.5 2.5h13v11h-13zM4 6l2.5 2L4 10M8 10.5h4' },
  search: { d: 'M7 2a5 5 0 1 0 0 10A5 5 0 0 0 7 2zM10.5 10.5 14.5 14.5' },
  web: { d: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM1.5 8h13M8 1.5c-3 3.5-3 9.5 0 13M8 1.5c3 3.5 3 9.5 0 13' },
  agent: { d: 'M5 3a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM11 3a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM1.5 13c.4-2.5 1.7-3.5 3.5-3.5s3.1 1 3.5 3.5M7.5 13c.4-2.5 1.7-3.5 3.5-3.5s3.1 1 3.5 3.5' },
  task: { d: 'M2.5 2.5h11v11h-11zM5 8l2 2 4-4.5' },
  error: { d: 'M8 1.5 15 14H1zM8 6v4M8 11.5v1' },
  hook: { d: 'M10 2v6a4 4 0 0 1-8 0V6M10 2l-2 2M10 2l2 2' },
  compaction: { d: 'M2 4h12M4 8h8M6 12h4' },
  event: { d: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM8 5v3.5l2 1.5' },
};

/** Puts the sprite in the document once (hidden); icon() refers to it. */
export function installIconSprite(doc: Document = document): void {
  if (doc.getElementById('agent-trail-icons')) return;
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('id', 'agent-trail-icons');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon-sprite');
  for (const [name, spec] of Object.entries(ICONS)) {
    const symbol = doc.createElementNS(SVG, 'symbol');
    symbol.setAttribute('id', `i-${name}`);
    symbol.setAttribute('viewBox', '0 0 16 16');
    const path = doc.createElementNS(SVG, 'path');
    path.setAttribute('d', spec.d);
    if (spec.fill) {
      path.setAttribute('fill', 'currentColor');
    } else {
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', 'currentColor');
      path.setAttribute('stroke-width', '1.3');
      path.setAttribute('stroke-linecap', 'round');
      path.setAttribute('stroke-linejoin', 'round');
    }
    symbol.appendChild(path);
    svg.appendChild(symbol);
  }
  doc.body.appendChild(svg);
}

/** An icon element; setIcon() swaps it in place (rows are recycled). */
export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('viewBox', '0 0 16 16');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `#i-${name}`);
  svg.appendChild(use);
  return svg;
}

export function setIcon(svg: SVGSVGElement, name: IconName): void {
  const use = svg.firstChild as SVGUseElement | null;
  const href = `#i-${name}`;
  if (use && use.getAttribute('href') !== href) use.setAttribute('href', href);
}
