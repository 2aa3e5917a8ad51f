/**
 * @module views/assets/push — Web Push on the inbox page. No framework, no build. Once she has allowed notifications
 * (the inbox's own "enable alerts" button, views/assets/inbox.js, asks), the service worker /sw.js is registered and
 * her browser's push subscription is handed to the server (POST /push/subscribe, server/routes/push), refreshed on
 * every inbox load; if she withdraws the permission, it is removed. Nothing is asked here and nothing happens without
 * the permission.
 */
(() => {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;

  /** The session's CSRF token, as htmx sends it (the app root's hx-headers). */
  function csrfToken() {
    try {
      const headers = JSON.parse(document.getElementById('app')?.getAttribute('hx-headers:inherited') ?? '{}');
      if (typeof headers['X-CSRF-Token'] === 'string') return headers['X-CSRF-Token'];
    } catch {
      // Fall back to a form's hidden field.
    }
    return document.querySelector('input[name="_csrf"]')?.value ?? '';
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function bytesOf(base64url) {
    const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    const have = new Uint8Array(buffer);
    return have.length === bytes.length && have.every((b, i) => b === bytes[i]);
  }

  let syncing = null;
  async function subscribe() {
    const answer = await fetch('/push/key', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    // 404: this server has no Web Push; anything else (signed out, offline) is tried again at the next load.
    if (!answer.ok) return;
    const key = bytesOf((await answer.json()).publicKey);
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    // Made with another key (the server's pair changed): its push service would refuse every alert.
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await post('/push/subscribe', subscription.toJSON());
  }

  async function unsubscribe() {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return;
    await post('/push/unsubscribe', { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }

  function sync() {
    // One at a time: a permission change while a subscription is being made waits for it.
    const next = (syncing ?? Promise.resolve()).then(() => (Notification.permission === 'granted' ? subscribe() : unsubscribe()));
    syncing = next.catch((error) => console.warn('Web Push:', error));
    return syncing;
  }

  // Safari makes a subscription only in answer to a gesture: if the first try fails, her next click tries again.
  if (Notification.permission === 'granted') {
    sync().then(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      if (!(await registration?.pushManager.getSubscription())) document.addEventListener('click', sync, { once: true });
    });
  }
  // The inbox's button asks for the permission: subscribe as soon as she allows it (and stop if she withdraws it).
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((status) => status.addEventListener('change', sync))
    .catch(() => {});
})();
