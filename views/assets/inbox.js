/** @module views/assets/inbox — small inbox behaviours htmx has no attribute for. No framework, no build. */
(() => {
  const finePointer = window.matchMedia('(pointer: fine)');

  // htmx and hx-ws.js are deferred scripts, and the browser may run htmx's start-up (a setTimeout) between
  // them: then the extension never saw #app and the page has no socket at all. Wire it now; the extension
  // skips elements it already set up, so this is harmless when the order was right.
  const liveRoot = document.getElementById('app');
  // The words this script writes itself, in the viewer's language (views/inbox/inbox-page scriptWords).
  const words = JSON.parse(liveRoot?.dataset.words ?? '{}');
  const fill = (text, vars) => String(text ?? '').replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ''));
  if (liveRoot && !liveRoot._htmx?.ws?.initialized) htmx.process(liveRoot);

  // Enter sends, Shift+Enter adds a line; on touch keyboards Enter stays a new line, as in WhatsApp.
  document.addEventListener('keydown', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.hasAttribute('data-enter-sends')) return;
    // defaultPrevented: Enter already picked a `/` suggestion (handled first, in the capture phase).
    if (event.defaultPrevented || event.key !== 'Enter' || event.shiftKey || event.isComposing || !finePointer.matches) return;
    event.preventDefault();
    if (box.value.trim()) box.form?.requestSubmit();
  });

  // Keyboard: `/` goes to the search box; j/k or Alt+↓/↑ open the next or previous conversation in the list; Esc
  // closes what is open over the chat (a menu, the aspirant's details on a phone). While she types in a field only
  // Esc is a shortcut.
  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function openSibling(step) {
    const links = [...document.querySelectorAll('#conv-list > li.conv-row .conv-link')];
    if (links.length === 0) return;
    const current = links.findIndex((link) => link.getAttribute('aria-current') === 'page');
    const next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
    if (next >= 0 && next < links.length) links[next].click();
  }
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || !document.getElementById('inbox')) return;
    const inField = typing(event.target);
    if (event.key === 'Escape') {
      const menu = document.querySelector('details[open]');
      if (menu) {
        menu.removeAttribute('open');
        menu.querySelector('summary')?.focus();
      } else if (location.hash === '#details') location.hash = '#chat';
      else if (inField && event.target.id === 'inbox-q') event.target.blur();
      else return;
      event.preventDefault();
      return;
    }
    // In a field Alt+arrows edit text (Option+↓ on a Mac) or open a list: they stay the field's, as letters do.
    if (event.altKey && !inField && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      openSibling(event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    if (inField || event.altKey) return;
    if (event.key === '/') {
      event.preventDefault();
      document.getElementById('inbox-q')?.focus();
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      openSibling(event.key === 'j' ? 1 : -1);
    }
  });

  // The reply box grows with its text up to six lines. By `rows`, not a style: htmx copies an old element's style
  // attribute onto the new one when it swaps the composer, and the CSP (style-src-attr) refuses that.
  document.addEventListener('input', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.hasAttribute('data-enter-sends')) return;
    box.rows = 1;
    const css = getComputedStyle(box);
    const lines = (box.scrollHeight - parseFloat(css.paddingTop) - parseFloat(css.paddingBottom)) / (parseFloat(css.lineHeight) || 20);
    box.rows = Math.min(Math.max(Math.round(lines), 1), 6);
  });

  // The reply box's counter (composer.tsx ComposerCount): characters as code points (`[...text]`), as the server and
  // Twilio's 1,600 limit count them, not the UTF-16 units of `maxlength`. Past the limit the box is invalid, so the
  // browser submits nothing (button or Enter: requestSubmit validates first) and says why; her text is never cut.
  // A change of state (near, over, fine again) is announced once, not every keystroke.
  function recount(box) {
    const counter = box.id && document.querySelector(`[data-count-for="${CSS.escape(box.id)}"]`);
    if (!counter) return;
    const max = Number(counter.dataset.max);
    const length = [...box.value].length;
    const number = new Intl.NumberFormat(counter.dataset.locale);
    counter.querySelector('[data-count]').textContent = fill(counter.dataset.template, { count: number.format(length), max: number.format(max) });
    const state = length > max ? 'over' : length >= Number(counter.dataset.near) ? 'near' : '';
    counter.classList.toggle('is-near', state === 'near');
    counter.classList.toggle('is-over', state === 'over');
    box.setCustomValidity(state === 'over' ? counter.dataset.tooLong : '');
    if (state === 'over') box.setAttribute('aria-invalid', 'true');
    else box.removeAttribute('aria-invalid');
    if ((counter.dataset.state ?? '') === state) return;
    counter.dataset.state = state;
    const status = counter.querySelector('[data-count-status]');
    if (status) status.textContent = state === 'over' ? counter.dataset.tooLong : state === 'near' ? counter.dataset.nearText : '';
  }
  const recountAll = () => document.querySelectorAll('textarea[aria-describedby^="composer-count-"]').forEach(recount);
  document.addEventListener('input', (event) => event.target instanceof HTMLTextAreaElement && recount(event.target));
  // A swap brings a fresh counter beside the preserved box (a refusal keeps her text); a sent reply empties the box.
  document.addEventListener('htmx:after:swap', recountAll);
  document.addEventListener('htmx:after:request', () => queueMicrotask(recountAll));
  recountAll();

  // A canned response fills the reply box for editing; it never sends on its own.
  document.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('[data-canned-body]') : null;
    if (!item) return;
    const box = document.getElementById(item.getAttribute('data-canned-for') ?? '');
    if (!(box instanceof HTMLTextAreaElement)) return;
    box.value = box.value ? `${box.value}\n${item.getAttribute('data-canned-body')}` : item.getAttribute('data-canned-body');
    item.closest('details')?.removeAttribute('open');
    box.focus();
    box.dispatchEvent(new Event('input', { bubbles: true }));
  });

  // "Copy number" on a shared contact (message-kinds ContactCard): the number to the clipboard, and the button says so.
  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button || !navigator.clipboard) return;
    await navigator.clipboard.writeText(button.getAttribute('data-copy') ?? '');
    button.textContent = button.getAttribute('data-copied') ?? button.textContent;
  });

  // `/` at the start of the reply box or of a line offers the canned responses (composer.tsx CannedSuggestions) whose
  // title or text holds every word typed after it, accents and case aside. ↑/↓ choose, Enter or Tab (or a click) put the
  // filled text in place of the `/words`, Esc closes — and none of them reaches the Enter-sends or page Esc handlers.
  const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  /** Where the `/` being typed is (the caret's line, from its start) and the words after it; null when there is none. */
  function slashAt(box) {
    if (box.selectionStart !== box.selectionEnd) return null;
    const before = box.value.slice(0, box.selectionStart);
    const start = before.lastIndexOf('\n') + 1;
    if (before[start] !== '/') return null;
    const query = fold(before.slice(start + 1));
    return { start, words: query.split(/\s+/).filter(Boolean) };
  }
  /** The slash a box's Esc closed: it stays closed until that slash is gone. */
  const dismissed = new WeakMap();
  function suggestParts(box) {
    const list = document.getElementById(box.getAttribute('aria-controls') ?? '');
    if (!list || list.getAttribute('role') !== 'listbox') return null;
    const popup = list.closest('.canned-suggest');
    const status = document.getElementById(popup.id.replace('canned-suggest-', 'canned-status-'));
    return { list, popup, status, options: [...list.querySelectorAll('[role="option"]')] };
  }
  const say = (parts, text) => parts.status && parts.status.textContent !== text && (parts.status.textContent = text);
  function choose(box, parts, option) {
    for (const other of parts.options) other.setAttribute('aria-selected', String(other === option));
    if (option) {
      box.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    } else box.removeAttribute('aria-activedescendant');
  }
  function dismiss(box, parts) {
    dismissed.set(box, slashAt(box)?.start);
    closeSuggestions(box, parts);
  }
  function closeSuggestions(box, parts = suggestParts(box)) {
    if (!parts || parts.popup.hidden) return;
    parts.popup.hidden = true;
    choose(box, parts, null);
    say(parts, '');
  }
  function updateSuggestions(box) {
    const parts = suggestParts(box);
    if (!parts) return;
    const slash = slashAt(box);
    if (!slash) dismissed.delete(box);
    if (!slash || dismissed.get(box) === slash.start) return closeSuggestions(box, parts);
    let first = null;
    for (const option of parts.options) {
      const text = fold([...option.children].map((part) => part.textContent).join(' '));
      option.hidden = !slash.words.every((word) => text.includes(word));
      first ??= option.hidden ? null : option;
    }
    const current = parts.options.find((option) => option.getAttribute('aria-selected') === 'true' && !option.hidden);
    parts.list.hidden = !first;
    parts.popup.querySelector('[data-canned-none]').hidden = Boolean(first);
    parts.popup.hidden = false;
    choose(box, parts, current ?? first);
    say(parts, parts.popup.querySelector(first ? '[data-canned-hint]' : '[data-canned-none]').textContent.trim());
  }
  function insertSuggestion(box, option) {
    const slash = slashAt(box);
    const parts = suggestParts(box);
    if (!slash || !parts) return;
    box.setRangeText(option.getAttribute('data-canned-text') ?? '', slash.start, box.selectionStart, 'end');
    closeSuggestions(box, parts);
    box.focus();
    // The inserted text is the preview: it grows the box and says she is typing, and is sent only by her.
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const suggesting = (box) => box instanceof HTMLTextAreaElement && box.hasAttribute('aria-controls') && box.hasAttribute('data-enter-sends');
  document.addEventListener('input', (event) => suggesting(event.target) && updateSuggestions(event.target));
  document.addEventListener('click', (event) => suggesting(event.target) && updateSuggestions(event.target));
  document.addEventListener('focusout', (event) => suggesting(event.target) && closeSuggestions(event.target));
  // Moving the caret onto or off a `/` line opens or closes the list, as typing does.
  document.addEventListener('keyup', (event) => suggesting(event.target) && /^(ArrowLeft|ArrowRight|Home|End)$/.test(event.key) && updateSuggestions(event.target));
  document.addEventListener(
    'keydown',
    (event) => {
      const box = event.target;
      if (!suggesting(box) || event.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const parts = suggestParts(box);
      if (!parts || parts.popup.hidden) return;
      const shown = parts.options.filter((option) => !option.hidden);
      const at = shown.findIndex((option) => option.getAttribute('aria-selected') === 'true');
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        const next = at === -1 ? (step > 0 ? 0 : shown.length - 1) : (at + step + shown.length) % shown.length;
        if (shown.length > 0) choose(box, parts, shown[next]);
      } else if (event.key === 'Enter' || (event.key === 'Tab' && at >= 0)) {
        // Nothing matches: Enter only closes the list, so a mistyped `/word` is not sent by the same key.
        if (at >= 0) insertSuggestion(box, shown[at]);
        else dismiss(box, parts);
      } else if (event.key === 'Escape') dismiss(box, parts);
      else return;
      // Registered in the capture phase: the Enter-sends and page-wide Esc handlers see the key as taken.
      event.preventDefault();
    },
    true,
  );
  // A click or tap on an option inserts it; pressing it first must not take the focus from the box (that would close the list).
  document.addEventListener('mousedown', (event) => event.target instanceof Element && event.target.closest('.canned-suggest') && event.preventDefault());
  document.addEventListener('click', (event) => {
    const option = event.target instanceof Element ? event.target.closest('.canned-suggest [role="option"]') : null;
    const box = option && document.querySelector(`textarea[aria-controls="${option.closest('[role="listbox"]').id}"]`);
    if (box) insertSuggestion(box, option);
  });

  // Forms whose drafts survive re-renders (hx-preserve) are cleared only once the server accepted them.
  document.addEventListener('htmx:after:request', (event) => {
    const form = event.target instanceof Element ? event.target.closest('form[data-reset-on-success]') : null;
    if (!form || (event.detail?.ctx?.response?.status ?? 500) >= 400) return;
    form.reset();
    form.querySelectorAll('[data-form-error]').forEach((slot) => (slot.textContent = ''));
    form.querySelectorAll('textarea[data-enter-sends]').forEach((box) => (box.rows = 1));
    const scroller = form.closest('.pane-chat')?.querySelector('.chat-scroll');
    if (scroller) scroller.scrollTop = 0; // column-reverse: 0 is the newest message
  });

  // The open conversation's row is marked current by the page; a pushed row is the same for every tab and never
  // is, so the mark is put back after each push or swap (by id, so a row moved to the top keeps it).
  function markOpenRow() {
    const id = Number(document.getElementById('inbox')?.dataset.openId);
    const link = id ? document.querySelector(`#conv-row-${id} .conv-link`) : null;
    if (link && link.getAttribute('aria-current') !== 'page') link.setAttribute('aria-current', 'page');
  }
  document.addEventListener('htmx:ws:after:message:incoming', markOpenRow);
  document.addEventListener('htmx:after:swap', markOpenRow);

  // The tab says how many messages wait unread in the list she sees — "(3) …" in its title, a dot on its icon —
  // so a message pushed while she reads another conversation (or another tab) is noticed.
  const baseTitle = document.title.replace(/^\(\d+\) /, '');
  const icon = document.querySelector('link[rel="icon"]');
  /** Unread count per conversation row as last seen, and the list they were seen in. */
  let seen = null;
  let seenList = null;
  function showUnread() {
    const list = document.getElementById('conv-list');
    let total = 0;
    const counts = new Map();
    document.querySelectorAll('#conv-list [data-unread]').forEach((badge) => {
      const count = Number(badge.getAttribute('data-unread')) || 0;
      counts.set(badge.id, count);
      total += count;
    });
    const title = total > 0 ? `(${total}) ${baseTitle}` : baseTitle;
    if (document.title !== title) document.title = title;
    const href = total > 0 ? '/assets/icon-unread.svg' : '/assets/icon.svg';
    if (icon && icon.getAttribute('href') !== href) icon.setAttribute('href', href);
    // A new aspirant message: a row of the same list whose count grew, or a new conversation pushed to the top. A
    // list replaced by a search, or rows "load more" appends, only re-base the counts. The conversation she reads is
    // read as messages arrive (its count stays 0), so it never alerts.
    if (seen && list === seenList) {
      let index = 0;
      for (const [id, count] of counts) {
        const before = seen.get(id);
        if (before === undefined ? index === 0 && count > 0 : count > before) alertFor(id);
        index++;
      }
    }
    seen = counts;
    seenList = list;
  }

  // Alerts: a short sound and a desktop notification, once she has allowed them (asked once, on her click).
  let audio = null;
  function beep() {
    if (!audio) return;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  }
  function alertFor(badgeId) {
    const row = document.getElementById(badgeId)?.closest('li.conv-row');
    if (!row) return;
    beep();
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const name = row.querySelector('.conv-name')?.textContent || words.notification || 'Wasap';
    const preview = row.querySelector('.conv-preview')?.textContent ?? '';
    const link = row.querySelector('.conv-link')?.getAttribute('href');
    const notice = new Notification(name, { body: preview, tag: row.id, icon: '/assets/icon.svg' });
    notice.onclick = () => {
      window.focus();
      if (link) location.assign(link);
    };
  }
  const ask = document.querySelector('.alerts-ask');
  const state = document.querySelector('.alerts-state');
  // Says whether alerts are on or blocked by the browser (changed in its site settings, not here).
  function showAlertsState() {
    // A browser without notifications (a phone's browser before the app is installed) shows neither.
    const permission = 'Notification' in window ? Notification.permission : 'unsupported';
    if (ask) ask.hidden = permission !== 'default';
    if (!state) return;
    state.hidden = permission === 'default' || permission === 'unsupported';
    state.textContent = permission === 'granted' ? state.dataset.on : state.dataset.blocked;
  }
  showAlertsState();
  ask?.addEventListener('click', async () => {
    ask.hidden = true;
    audio ??= new AudioContext();
    await Notification.requestPermission();
    showAlertsState();
  });
  // Sound needs a gesture first: once she has allowed alerts, her first click on a page allows it for that page.
  document.addEventListener('pointerdown', () => {
    if ('Notification' in window && Notification.permission === 'granted') audio ??= new AudioContext();
  });
  // The "waiting for us" list is longest wait first: a pushed row (inserted at the top, as every list's) takes its place.
  function orderWaiting() {
    const list = document.querySelector('#conv-list[data-order="waiting"]');
    if (!list) return;
    const rows = [...list.querySelectorAll(':scope > li.conv-row')];
    const sorted = [...rows].sort((a, b) => (a.dataset.waitingSince ?? '').localeCompare(b.dataset.waitingSince ?? '') || a.id.localeCompare(b.id));
    if (sorted.every((row, index) => row === rows[index])) return;
    const more = list.querySelector(':scope > #conv-list-more');
    for (const row of sorted) list.insertBefore(row, more);
  }
  document.addEventListener('htmx:ws:after:message:incoming', orderWaiting);
  document.addEventListener('htmx:ws:after:message:incoming', showUnread);
  document.addEventListener('htmx:after:swap', showUnread);
  showUnread();

  // A log page loaded with "load older" starts with the day the current page already shows: keep the first.
  document.addEventListener('htmx:after:swap', () => {
    const seen = new Set();
    document.querySelectorAll('.day-sep[id]').forEach((sep) => (seen.has(sep.id) ? sep.remove() : seen.add(sep.id)));
  });

  // After a reconnect, what happened meanwhile is not replayed: the page is rendered again from the server.
  const connectedOnce = new WeakSet();
  document.addEventListener('htmx:ws:after:connection', (event) => {
    const root = event.target;
    if (!connectedOnce.has(root)) return void connectedOnce.add(root);
    if (document.getElementById('inbox')) htmx.ajax('GET', location.href, { target: '#inbox', select: '#inbox', swap: 'outerMorph' });
  });

  // 4401: the session ended or the user was disabled (server/realtime/access): off to the sign-in page, not a reconnect loop.
  // Any other close: a banner says so until the socket is back (htmx reconnects on its own).
  const banner = document.getElementById('connection-banner');
  const showBanner = (down) => banner && (banner.hidden = !down);
  document.addEventListener('htmx:ws:close', (event) => {
    if (event.detail?.code === 4401) return location.assign('/login');
    showBanner(true);
  });
  // Only the socket's own close and reconnect move it: a brief network blip the socket survives leaves no banner behind.
  document.addEventListener('htmx:ws:after:connection', () => showBanner(false));

  // A form whose request got no answer (no connection, or the answer was lost on the way back: it may have been saved)
  // says so in its own words (`data-unconfirmed-text`: the reply box's, where sending again unchanged is safe) or the
  // page's, and what she typed stays.
  document.addEventListener('htmx:error', (event) => {
    const form = event.target instanceof Element ? event.target.closest('form') : null;
    const slot = form?.querySelector('[data-form-error]');
    if (slot) slot.textContent = slot.getAttribute('data-unconfirmed-text') ?? words.unconfirmed ?? '';
  });

  // Times that move while the page is open, every 30 s: the 24-hour window's countdown (in the composer, where at zero the
  // free-text box is disabled until the page shows the template picker, and on a list row, whose warning then goes),
  // and how long an aspirant has waited. The words are the server's (`data-words` names one of `words`).
  const plural = new Intl.PluralRules(words.locale ?? 'es');
  function duration(ms) {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 1) return words.lessThanMinute ?? '';
    const hours = Math.floor(minutes / 60);
    if (hours >= 48) {
      const count = Math.floor(hours / 24);
      return fill(words.days?.[plural.select(count)] ?? words.days?.other, { count });
    }
    return hours > 0 ? fill(words.hoursMinutes, { hours, minutes: minutes % 60 }) : fill(words.minutes, { minutes });
  }
  const said = (time, text) => {
    const key = time.getAttribute('data-words');
    return key ? fill(words[key], { duration: text }) : text;
  };
  function tick() {
    const now = Date.now();
    document.querySelectorAll('time[data-countdown]').forEach((time) => {
      const left = Date.parse(time.getAttribute('datetime')) - now;
      const area = time.closest('.composer-area');
      if (left < 0) {
        if (!area) return void time.closest('.pill')?.remove();
        area.querySelectorAll('.composer textarea, .composer button').forEach((el) => (el.disabled = true));
        area.querySelector('.window-note.is-closing')?.remove();
        const note = time.closest('.window-note');
        if (!note) return;
        const reload = document.createElement('a');
        reload.href = '';
        reload.textContent = words.reload ?? '';
        note.replaceChildren(`${words.closed ?? ''} `, reload);
        return;
      }
      time.textContent = said(time, duration(left));
    });
    document.querySelectorAll('time[data-elapsed]').forEach((time) => (time.textContent = said(time, duration(now - Date.parse(time.getAttribute('datetime'))))));
  }
  setInterval(tick, 30000);
})();
