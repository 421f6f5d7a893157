import { createRequire } from 'node:module';
import { generate } from 'lean-qr';
import type PDFKitDocument from 'pdfkit';
import { lazyRequire } from '../../platform/lazy-require.ts';

export type BadgeSize = 'A4' | 'A6';

export interface Badge {
  name: string;
  company: string | null;
  ticketType: string;
  /** The signed ticket code the QR carries (what the door scans). */
  code: string;
}

const MM = 72 / 25.4;
const A6 = { width: 105 * MM, height: 148 * MM };
const A4 = { width: 210 * MM, height: 297 * MM };
// Noto Sans (Latin, Greek, Cyrillic and more): pdfkit's built-in Helvetica is WinAnsi only and would
// print "Łukasz" or "Дарья" as garbage. Shipped as TTF by the npm package of the Google font.
const require = createRequire(import.meta.url);
const REGULAR = require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf');
const BOLD = require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf');
// Loaded on the first print, not at every start (pdfkit and its fonts take ~0.2 s to load).
const loadPdfkit = lazyRequire<typeof PDFKitDocument>('pdfkit');

/** The dark modules of a ticket code's QR, as lean-qr lays them out (also what the tests compare). */
export function qrModules(code: string): { size: number; dark: [number, number][] } {
  const qr = generate(code);
  const dark: [number, number][] = [];
  for (let y = 0; y < qr.size; y++) for (let x = 0; x < qr.size; x++) if (qr.get(x, y)) dark.push([x, y]);
  return { size: qr.size, dark };
}

/**
 * Printable badges (PRODUCT F7): A6, one per page, or A4 with four A6 badges per sheet and cut marks.
 * Each has the event, the name large (shrunk to fit), the company, the ticket type and the ticket's
 * QR drawn as vector squares, so it prints sharp at any size and the door scans it like the phone's.
 * Written as a stream: a thousand badges never sit in memory as one document.
 */
export function renderBadges(
  eventTitle: string,
  badges: readonly Badge[],
  size: BadgeSize,
): PDFKit.PDFDocument {
  const page = size === 'A6' ? A6 : A4;
  const PDFDocument = loadPdfkit();
  const doc = new PDFDocument({
    size: [page.width, page.height],
    margin: 0,
    autoFirstPage: false,
    compress: true,
    info: { Title: `Badges · ${eventTitle}`, Producer: 'Muster' },
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const perPage = size === 'A6' ? 1 : 4;
  badges.forEach((badge, i) => {
    if (i % perPage === 0) {
      doc.addPage();
      if (size === 'A4') cutMarks(doc);
    }
    const slot = i % perPage;
    const x = size === 'A6' ? 0 : (slot % 2) * A6.width;
    const y = size === 'A6' ? 0 : Math.floor(slot / 2) * A6.height;
    drawBadge(doc, eventTitle, badge, x, y);
  });
  if (badges.length === 0) doc.addPage().font('regular').fontSize(14).text('No valid tickets yet.', 40, 60);
  doc.end();
  return doc;
}

function drawBadge(doc: PDFKit.PDFDocument, eventTitle: string, badge: Badge, x: number, y: number) {
  const pad = 8 * MM;
  const width = A6.width - 2 * pad;
  doc
    .fillColor('#1f3a8a')
    .rect(x, y, A6.width, 16 * MM)
    .fill();
  doc
    .fillColor('#ffffff')
    .font('bold')
    .fontSize(12)
    .text(eventTitle, x + pad, y + 5 * MM, { width, height: 8 * MM, ellipsis: true, lineBreak: false });
  doc
    .fillColor('#111827')
    .font('bold')
    .fontSize(fitSize(doc, badge.name, width, 28, 14))
    .text(badge.name, x + pad, y + 24 * MM, { width, lineBreak: false, ellipsis: true });
  if (badge.company)
    doc
      .font('regular')
      .fontSize(13)
      .fillColor('#4b5563')
      .text(badge.company, x + pad, y + 37 * MM, { width, lineBreak: false, ellipsis: true });
  const side = 48 * MM;
  drawQr(doc, badge.code, x + (A6.width - side) / 2, y + 52 * MM, side);
  doc
    .fillColor('#b45309')
    .rect(x, y + A6.height - 18 * MM, A6.width, 18 * MM)
    .fill();
  doc
    .fillColor('#ffffff')
    .font('bold')
    .fontSize(14)
    .text(badge.ticketType, x + pad, y + A6.height - 12 * MM, {
      width,
      align: 'center',
      lineBreak: false,
      ellipsis: true,
    });
}

/** The largest font size (down to `min`) at which `text` fits `width` on one line. */
function fitSize(doc: PDFKit.PDFDocument, text: string, width: number, max: number, min: number): number {
  for (let size = max; size > min; size -= 1)
    if (doc.fontSize(size).widthOfString(text) <= width) return size;
  return min;
}

function drawQr(doc: PDFKit.PDFDocument, code: string, x: number, y: number, side: number) {
  const { size, dark } = qrModules(code);
  // Four modules of quiet zone around the code, as scanners expect.
  const cell = side / (size + 8);
  doc.fillColor('#ffffff').rect(x, y, side, side).fill();
  doc.fillColor('#000000');
  for (const [mx, my] of dark) doc.rect(x + (mx + 4) * cell, y + (my + 4) * cell, cell + 0.01, cell + 0.01);
  doc.fill();
}

function cutMarks(doc: PDFKit.PDFDocument) {
  const mark = 5 * MM;
  doc.strokeColor('#9ca3af').lineWidth(0.5);
  doc
    .moveTo(A6.width, 0)
    .lineTo(A6.width, mark)
    .moveTo(A6.width, A4.height - mark)
    .lineTo(A6.width, A4.height);
  doc
    .moveTo(0, A6.height)
    .lineTo(mark, A6.height)
    .moveTo(A4.width - mark, A6.height)
    .lineTo(A4.width, A6.height);
  doc.moveTo(A6.width - mark / 2, A6.height).lineTo(A6.width + mark / 2, A6.height);
  doc.moveTo(A6.width, A6.height - mark / 2).lineTo(A6.width, A6.height + mark / 2);
  doc.stroke();
}
