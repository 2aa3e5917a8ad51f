/**
 * The service worker, served at /sw.js with scope / (server/routes/assets): it shows Web Push alerts of aspirants'
 * messages while no inbox is in front of the recruiter, and opens the conversation on a click. It has no fetch
 * handler on purpose: it caches nothing and every request goes to the network as without it.
 *
 * A push carries JSON (server/push/message): { conversationId, title, body, url }.
 */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Whether a path is the inbox's: /inbox or /inbox/<id>. */
function isInbox(href) {
  return /^\/inbox(\/|$)/.test(new URL(href).pathname);
}

/** A path on this server only: anything else opens the inbox. */
function localUrl(value) {
  try {
    const url = new URL(value, self.location.origin);
    if (url.origin === self.location.origin && isInbox(url.href)) return url.href;
  } catch {
    // Not a URL: the inbox.
  }
  return new URL('/inbox', self.location.origin).href;
}

function readPush(event) {
  try {
    const data = event.data ? event.data.json() : null;
    if (data && typeof data.title === 'string' && Number.isInteger(data.conversationId)) return data;
  } catch {
    // Not JSON: shown as a plain alert below.
  }
  return null;
}

async function alertOf(event) {
  const data = readPush(event);
  // The inbox in front of her alerts on its own (views/assets/inbox.js): a second alert would only repeat it.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((client) => client.visibilityState === 'visible' && client.focused && isInbox(client.url))) return;
  const title = data ? data.title : 'Wasap';
  await self.registration.showNotification(title, {
    body: data && typeof data.body === 'string' ? data.body : '',
    // The same tag as the inbox's own alerts: a conversation's next message replaces its last alert, and alerts again.
    tag: data ? `conv-row-${data.conversationId}` : 'wasap',
    renotify: true,
    icon: '/assets/icon.svg',
    data: { url: localUrl(data ? data.url : '/inbox') },
  });
}

self.addEventListener('push', (event) => event.waitUntil(alertOf(event)));

async function open(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const inbox = windows.find((client) => isInbox(client.url)) || windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (inbox) {
    // Focus while the click still counts as the user's gesture, then move that window to the conversation.
    const focused = await inbox.focus().catch(() => inbox);
    try {
      await focused.navigate(url);
      return;
    } catch {
      // A window this worker does not control cannot be navigated by it: open the conversation in a new one.
    }
  }
  await self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(open(localUrl(data.url)));
});
