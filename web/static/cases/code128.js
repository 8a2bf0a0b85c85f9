// Code 128 (ISO/IEC 15417) for the property labels: code set C for an even number of digits
// (four or more), code set B otherwise (ASCII 32–126), the modulo-103 check symbol, the stop
// pattern and a quiet zone of ten modules on each side. Rendered as SVG rectangles, so the
// label prints sharp at any size and needs no font.

// Bar and space widths (in modules) of the symbol values 0–106; 103–105 are the start codes
// A, B and C, 106 the stop (with its final two-module bar).
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const START_B = 104;
export const START_C = 105;
export const STOP = 106;
const QUIET = 10;

/** The symbol values of a text (start, data, check), or null if it cannot be encoded. */
export function symbols(text) {
  const s = String(text);
  if (!s.length) return null;
  let values;
  if (/^\d+$/.test(s) && s.length >= 4 && s.length % 2 === 0) {
    values = [START_C];
    for (let i = 0; i < s.length; i += 2) values.push(Number(s.slice(i, i + 2)));
  } else {
    values = [START_B];
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (c < 32 || c > 126) return null;
      values.push(c - 32);
    }
  }
  let sum = values[0];
  for (let i = 1; i < values.length; i += 1) sum += values[i] * i;
  values.push(sum % 103);
  return values;
}

/** The module widths, alternating bar and space, from the first bar to the last (no quiet zone). */
export function widths(text) {
  const v = symbols(text);
  if (!v) return null;
  return [...v, STOP].flatMap((x) => [...PATTERNS[x]].map(Number));
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An SVG element of the text's barcode, `module` px per module and `height` px tall, with a
 * title naming the value; null if the text cannot be encoded.
 */
export function barcodeSvg(text, { module = 2, height = 64 } = {}) {
  const w = widths(text);
  if (!w) return null;
  const total = w.reduce((a, b) => a + b, 0) + 2 * QUIET;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${total} ${height / module}`);
  svg.setAttribute('width', String(total * module));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Code 128: ${text}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.classList.add('barcode');
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(total));
  bg.setAttribute('height', String(height / module));
  bg.setAttribute('fill', '#fff');
  svg.append(bg);
  let x = QUIET;
  w.forEach((n, i) => {
    if (i % 2 === 0) {
      const r = document.createElementNS(SVG, 'rect');
      r.setAttribute('x', String(x));
      r.setAttribute('width', String(n));
      r.setAttribute('height', String(height / module));
      r.setAttribute('fill', '#000');
      svg.append(r);
    }
    x += n;
  });
  return svg;
}
