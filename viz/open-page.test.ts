import { describe, expect, it } from 'vitest';
import { openerFor, openPage } from './open-page.js';

describe('opening the index', () => {
  it('uses the desktop opener of each platform', () => {
    expect(openerFor('darwin', {})).toEqual(['open']);
    expect(openerFor('linux', { DISPLAY: ':0' })).toEqual(['xdg-open']);
    expect(openerFor('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual(['xdg-open']);
  });

  it('says why not when there is no desktop', async () => {
    expect(await openPage('/tmp/index.html', 'linux', {})).toMatch(/no desktop here/);
  });
});
