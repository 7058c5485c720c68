import { expect } from 'chai';
import { attachEvents, type EventsEndpoint } from '@rigel/server/api/events';
import { useDashboard } from '../support/browser';

describe('the live connection (browser)', () => {
  const world = useDashboard();
  let replacement: EventsEndpoint | undefined;
  after(() => replacement?.close());

  it('shows when it is down, and on reconnect catches up with what changed meanwhile', async () => {
    const { page, open, server } = world();
    const flowId = (await server.api.post('/flows', { name: 'bc-offline' })).body.id;
    await server.api.post('/flow-runs', { flowId, name: 'bc-before' });
    await open('/flow-runs?flow=bc-offline');
    await page.getByRole('link', { name: 'bc-before' }).waitFor();
    await page.locator('.live-indicator[data-status="live"]').waitFor();

    await server.events.close();
    await page
      .getByRole('alert')
      .getByText(/Live updates are disconnected; reconnecting/)
      .waitFor();
    await page.locator('.live-indicator[data-status="down"]').getByText('Offline').waitFor();
    const missed = await server.api.post('/flow-runs', { flowId, name: 'bc-while-down' });
    expect(missed.status).to.equal(201);

    replacement = attachEvents(server.http, server.services, server.feed);
    await page.locator('.live-indicator[data-status="live"]').waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: 'bc-while-down' }).waitFor();
    expect(await page.getByRole('alert').count()).to.equal(0);
    await server.api.post('/flow-runs', { flowId, name: 'bc-after' });
    await page.getByRole('link', { name: 'bc-after' }).waitFor();
  });
});
