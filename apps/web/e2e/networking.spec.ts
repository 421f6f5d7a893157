import { expect, type Page, test } from '@playwright/test';
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { call, phone, publishedEvent, registerUser, signIn } from './support.ts';

type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsqr is CommonJS with its function on `default` (see the app's camera.tsx).
const jsQR = ((jsqrModule as unknown as { default?: DecodeQr }).default ?? jsqrModule) as unknown as DecodeQr;

/**
 * What another phone's camera reads off this screen's card: the QR as the screen draws it,
 * photographed (a screenshot) and decoded with jsQR.
 */
async function readCardQr(page: Page): Promise<string> {
  const shot = await page.getByRole('img', { name: 'My card’s QR code' }).screenshot();
  const { data, info } = await sharp(shot).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const decoded = jsQR(new Uint8ClampedArray(data), info.width, info.height);
  if (!decoded) throw new Error('the card QR on screen did not decode');
  return decoded.data;
}

test('two attendees exchange cards by QR and end up connected, each able to save the other’s contact', async ({
  browser,
}) => {
  const organiser = await registerUser('Org Aniser');
  const ana = await registerUser('Ana Lima');
  const ben = await registerUser('Ben Okafor');
  const { event } = await publishedEvent(organiser, []);
  for (const person of [ana, ben])
    await call('PUT', `/api/v1/events/${event.id}/rsvp`, person.token, { status: 'going' });

  const anaPhone = await (await phone(browser)).newPage();
  const benPhone = await (await phone(browser)).newPage();
  await signIn(anaPhone, ana);
  await signIn(benPhone, ben);
  await anaPhone.goto(`/card?event=${event.id}`);
  await benPhone.goto(`/card?event=${event.id}`);

  // Ben points his camera at Ana's card: the QR holds the app's /c/<code> link, which opens the app.
  const anaLink = await readCardQr(anaPhone);
  expect(anaLink).toMatch(/\/c\/[0-9A-Z]{10}$/);
  await benPhone.goto(new URL(anaLink).pathname);
  await expect(benPhone.getByTestId('met')).toContainText('Ana Lima');
  await expect(benPhone.getByTestId('met')).toContainText('Asked to connect');

  // Ana scans Ben's card back: now they are connected.
  await benPhone.goto('/card');
  const benLink = await readCardQr(benPhone);
  await anaPhone.goto(new URL(benLink).pathname);
  await expect(anaPhone.getByTestId('met')).toContainText('You are connected.');

  await benPhone.goto('/connections');
  await expect(benPhone.getByTestId('connection')).toContainText('Ana Lima');
  const download = benPhone.waitForEvent('download');
  await benPhone.getByRole('button', { name: 'Save contact' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Ana Lima.vcf');
  const vcard = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(vcard).toString('utf8')).toContain('FN:Ana Lima');
});
