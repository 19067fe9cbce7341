import { describe, expect, test } from 'vitest';
import { BadRequestError } from './bad-request.js';
import { MAX_FORM_FIELDS, parseMultipartForm } from './multipart.js';

const TYPE = 'multipart/form-data; boundary=XyZ';

function part(name: string, value: string, file?: string): string {
  const disposition = file === undefined ? `name="${name}"` : `name="${name}"; filename="${file}"`;
  const type = file === undefined ? '' : 'Content-Type: application/octet-stream\r\n';
  return `--XyZ\r\nContent-Disposition: form-data; ${disposition}\r\n${type}\r\n${value}\r\n`;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseMultipartForm', () => {
  test('reads text fields in order, repeated names included; leaves file parts out', async () => {
    const body = `${part('csrfmiddlewaretoken', 'tok')}${part('username', 'zoë')}${part('f', 'BINARY\u0000', 'x.bin')}${part('username', 'again')}--XyZ--\r\n`;
    const form = await parseMultipartForm(encode(body), TYPE);
    expect([...form]).toEqual([
      ['csrfmiddlewaretoken', 'tok'],
      ['username', 'zoë'],
      ['username', 'again'],
    ]);
  });

  test('a body made by the platform FormData round-trips', async () => {
    const data = new FormData();
    data.append('next', '/dashboard/');
    data.append('upload', new Blob([new Uint8Array([0, 255, 1])]), 'a.bin');
    const request = new Request('http://localhost/', { method: 'POST', body: data });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const form = await parseMultipartForm(bytes, request.headers.get('content-type') ?? '');
    expect([...form]).toEqual([['next', '/dashboard/']]);
  });

  test.each([
    ['garbage', TYPE],
    [`${part('a', '1')}`, TYPE], // no closing boundary
    [`${part('a', '1')}--XyZ--\r\n`, 'multipart/form-data'], // no boundary parameter
  ])('a malformed body is a 400 (%#)', async (body, type) => {
    const error = await parseMultipartForm(encode(body), type).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
  });

  test(`more than ${MAX_FORM_FIELDS} fields is a 400 (Django's TooManyFieldsSent)`, async () => {
    const body = `${Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => part(`f${i}`, 'x')).join('')}--XyZ--\r\n`;
    await expect(parseMultipartForm(encode(body), TYPE)).rejects.toMatchObject({ status: 400 });
    const exactly = `${Array.from({ length: MAX_FORM_FIELDS }, (_, i) => part(`f${i}`, 'x')).join('')}--XyZ--\r\n`;
    expect([...(await parseMultipartForm(encode(exactly), TYPE))].length).toBe(MAX_FORM_FIELDS);
  });
});
