/** @module views/inbox/conversation-list — the left pane: filters, search, conversation rows, unread badges and paging. */
import { INBOX_SCOPES } from '../../actors/vocabulary';
import type { Translator } from '../i18n';
import { UpsertPush } from './oob';
import { STATUSES, avatarTone, conversationHref, duration, filterQuery, initials, listTime, previewText, statusLabel, WINDOW_WARNING_MS } from './format';
import type { ConversationRowView, ConversationStatus, InboxFilters } from './types';

export function Avatar({ id, name, size = 'md' }: { id: number; name: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span class={`avatar avatar-${size} ${avatarTone(id)}`} aria-hidden="true" safe>
      {initials(name)}
    </span>
  );
}

export function StatusPill({ status, i18n }: { status: ConversationStatus; i18n: Translator }) {
  return (
    <span class={`pill status-${status}`} safe>
      {statusLabel(status, i18n)}
    </span>
  );
}

/** Stable id `unread-<id>` so a count can be pushed on its own; renders empty (and hidden) at zero. */
export function UnreadBadge({ conversationId, count, i18n, oob = false }: { conversationId: number; count: number; i18n: Translator; oob?: boolean }) {
  const label = count > 99 ? '99+' : String(count);
  return (
    <span
      id={`unread-${conversationId}`}
      class={count > 0 ? 'badge' : 'badge is-empty'}
      data-unread={count}
      hx-swap-oob={oob ? 'true' : undefined}
      aria-label={count > 0 ? i18n.t('inbox.list.unread', { count }) : undefined}
    >
      {count > 0 ? label : ''}
    </span>
  );
}

export interface ConversationRowProps {
  row: ConversationRowView;
  filters: InboxFilters;
  /** The reader's language and zone. */
  i18n: Translator;
  now?: Date;
  /** Marks it for an out-of-band replacement in place. */
  oob?: boolean;
  /** The conversation open in the chat pane (a pushed row never knows: inbox.js marks it again). */
  open?: boolean;
}

/** One row of the list, stable id `conv-row-<id>`: the page and every push render it. */
export function ConversationRow({ row, filters, i18n, now = new Date(), oob = false, open = false }: ConversationRowProps) {
  const { t } = i18n;
  const closesIn = row.windowClosesAt ? row.windowClosesAt.getTime() - now.getTime() : -1;
  return (
    <li
      id={`conv-row-${row.id}`}
      class={row.unread > 0 ? 'conv-row has-unread' : 'conv-row'}
      hx-swap-oob={oob ? 'true' : undefined}
      data-waiting-since={row.waitingSince ? row.waitingSince.toISOString() : undefined}
    >
      <a class="conv-link" href={conversationHref(row.id, filters)} aria-current={open ? 'page' : undefined}>
        <Avatar id={row.id} name={row.name} />
        <span class="conv-main">
          <span class="conv-line">
            <span class="conv-name" safe>
              {row.name}
            </span>
            <time class="conv-time" datetime={row.lastMessageAt.toISOString()} safe>
              {listTime(row.lastMessageAt, now, i18n)}
            </time>
          </span>
          <span class="conv-line">
            <span class="conv-preview">
              {row.lastFromAspirant ? (
                ''
              ) : (
                <span class="conv-who" safe>
                  {t('inbox.list.ours')}
                </span>
              )}
              <span safe>{previewText(row.preview, i18n)}</span>
            </span>
            <UnreadBadge conversationId={row.id} count={row.unread} i18n={i18n} />
          </span>
          <span class="conv-meta">
            <StatusPill status={row.status} i18n={i18n} />
            {row.waitingSince ? (
              <span class="pill pill-waiting" title={t('inbox.list.waitingSince', { when: i18n.dateTime(row.waitingSince) })}>
                <span aria-hidden="true">⏳ </span>
                <time datetime={row.waitingSince.toISOString()} data-elapsed data-words="waitingFor" safe>
                  {t('inbox.list.waitingFor', { duration: duration(now.getTime() - row.waitingSince.getTime(), i18n) })}
                </time>
              </span>
            ) : (
              ''
            )}
            {closesIn > 0 && closesIn <= WINDOW_WARNING_MS && !row.optedOut ? (
              <span class="pill pill-window" title={t('inbox.list.windowClosingTitle', { when: i18n.dateTime(row.windowClosesAt!) })}>
                <span aria-hidden="true">⌛ </span>
                <time datetime={row.windowClosesAt!.toISOString()} data-countdown data-words="windowClosing" safe>
                  {t('inbox.list.windowClosing', { duration: duration(closesIn, i18n) })}
                </time>
              </span>
            ) : (
              ''
            )}
            {row.optedOut ? (
              <span class="pill pill-danger" safe>
                {i18n.t('inbox.list.optedOut')}
              </span>
            ) : (
              ''
            )}
            {row.assignee ? (
              <span class="conv-assignee" safe>
                {row.assignee.name}
              </span>
            ) : (
              <span class="conv-assignee is-unassigned" safe>
                {i18n.t('inbox.list.unassigned')}
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

/** Moves the row to the top of `#conv-list` (or inserts it there): pushed when a conversation has new activity. */
export function ConversationRowPush(props: ConversationRowProps) {
  return (
    <UpsertPush id={`conv-row-${props.row.id}`} into="conv-list" position="afterbegin">
      <ConversationRow {...props} />
    </UpsertPush>
  );
}

/** Updates the row where it is (a list without it ignores it): for changes that are not new activity, such as delivery receipts. */
export function ConversationRowReplace(props: Omit<ConversationRowProps, 'oob'>) {
  return <ConversationRow {...props} oob />;
}

/** "Load more" as the list's last item; htmx replaces it with the next page's rows (and its own "load more"). */
export function LoadMoreRows({ filters, nextCursor, i18n, basePath = '/inbox' }: { filters: InboxFilters; nextCursor: string; i18n: Translator; basePath?: string }) {
  const href = `${basePath}${filterQuery(filters, { cursor: nextCursor })}`;
  return (
    <li id="conv-list-more" class="list-more">
      <a href={href} hx-get={href} hx-select="#conv-list > li:not([hidden])" hx-target="#conv-list-more" hx-swap="outerHTML" safe>
        {i18n.t('inbox.list.loadMore')}
      </a>
    </li>
  );
}

export interface ConversationListProps {
  rows: ConversationRowView[];
  filters: InboxFilters;
  i18n: Translator;
  nextCursor?: string;
  now?: Date;
  /** The conversation open in the chat pane, if any: its row is marked current. */
  openId?: number;
}

/** The conversation rows, newest activity first, with "load more" at the end. */
export function ConversationList({ rows, filters, i18n, nextCursor, now = new Date(), openId }: ConversationListProps) {
  return (
    <ul id="conv-list" class="conv-list" aria-label={i18n.t('inbox.list.label')} data-order={filters.status === 'waiting' ? 'waiting' : undefined} data-empty={i18n.t('inbox.list.empty')}>
      {/* Tells the socket which filters this list shows, when it connects and whenever a search replaces the list:
          only rows that belong here are pushed to it. */}
      <li hidden hx-ws:send hx-trigger="htmx:ws:after:connection from:#app, load" hx-vals={JSON.stringify({ type: 'list', scope: filters.scope, status: filters.status, q: filters.q })}></li>
      {rows.map((row) => (
        <ConversationRow row={row} filters={filters} i18n={i18n} now={now} open={row.id === openId} />
      ))}
      {rows.length === 0 ? <EmptyList filters={filters} i18n={i18n} /> : ''}
      {nextCursor ? <LoadMoreRows filters={filters} nextCursor={nextCursor} i18n={i18n} /> : ''}
    </ul>
  );
}

function EmptyList({ filters, i18n }: { filters: InboxFilters; i18n: Translator }) {
  return (
    <li class="list-empty">
      <p safe>{filters.q ? i18n.t('inbox.list.noMatch', { q: filters.q }) : i18n.t('inbox.list.empty')}</p>
      {filters.q ? (
        ''
      ) : (
        <p class="muted" safe>
          {i18n.t('inbox.list.emptyHint')}
        </p>
      )}
    </li>
  );
}

/** Scope tabs, status chips and the search box; plain links and a GET form, so every view has a URL. */
export function ListFilters({ filters, i18n, basePath = '/inbox' }: { filters: InboxFilters; i18n: Translator; basePath?: string }) {
  const { t } = i18n;
  return (
    <div class="list-filters">
      <form class="search" method="get" action={basePath} role="search">
        <input type="hidden" name="scope" value={filters.scope} />
        {filters.status ? <input type="hidden" name="status" value={filters.status} /> : ''}
        <label class="visually-hidden" for="inbox-q" safe>
          {t('inbox.list.search')}
        </label>
        {/* As she types (300 ms after the last key) the list below is replaced by the matches, and the URL follows. */}
        <input
          id="inbox-q"
          type="search"
          name="q"
          value={filters.q ?? ''}
          placeholder={t('inbox.list.searchPlaceholder')}
          maxlength="200"
          autocomplete="off"
          hx-get={basePath}
          hx-trigger="input changed delay:300ms, search"
          hx-sync="replace"
          hx-include="closest form"
          hx-select="#conv-list"
          hx-target="#conv-list"
          hx-swap="outerHTML"
          hx-push-url="true"
        />
      </form>
      <nav class="tabs" aria-label={t('inbox.list.scopesLabel')}>
        {INBOX_SCOPES.map((scope) => (
          <a href={`${basePath}${filterQuery({ ...filters, scope })}`} class={scope === filters.scope ? 'tab is-active' : 'tab'} aria-current={scope === filters.scope ? 'page' : undefined} safe>
            {i18n.messages.inbox.scopes[scope]}
          </a>
        ))}
      </nav>
      <nav class="chips" aria-label={t('inbox.list.statusLabel')}>
        <a href={`${basePath}${filterQuery({ ...filters, status: undefined })}`} class={filters.status ? 'chip' : 'chip is-active'} safe>
          {t('inbox.list.anyStatus')}
        </a>
        <a
          href={`${basePath}${filterQuery({ ...filters, status: 'waiting' })}`}
          class={filters.status === 'waiting' ? 'chip chip-waiting is-active' : 'chip chip-waiting'}
          aria-current={filters.status === 'waiting' ? 'page' : undefined}
          safe
        >
          {t('inbox.list.waiting')}
        </a>
        {STATUSES.map((status) => (
          <a href={`${basePath}${filterQuery({ ...filters, status })}`} class={status === filters.status ? 'chip is-active' : 'chip'} safe>
            {statusLabel(status, i18n)}
          </a>
        ))}
      </nav>
    </div>
  );
}
