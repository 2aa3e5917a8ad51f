/**
 * @module views/dev/phone — the simulator's phone: play an aspirant by number or by WhatsApp username (a user who hides
 * her number), or both; send text and photos, see replies live. A developer page: English only, not in the catalogue.
 */
import { Layout } from '../layout';

export interface PhoneMessage {
  id: string;
  mine: boolean;
  body: string;
  at: Date;
  media?: string;
}

export function PhoneBubble({ message }: { message: PhoneMessage }) {
  return (
    <li id={`phone-msg-${message.id}`} class={message.mine ? 'bubble mine' : 'bubble theirs'}>
      {message.media ? (
        <span class="media-note" safe>
          {message.media}
        </span>
      ) : (
        ''
      )}
      <p safe>{message.body}</p>
      <time datetime={message.at.toISOString()} safe>
        {message.at.toISOString().slice(11, 16)}
      </time>
    </li>
  );
}

/** Pushed over the phone's WebSocket: appended to the thread (htmx 4 swaps only out-of-band fragments from a socket). */
export function PhoneBubblePush({ message }: { message: PhoneMessage }) {
  return (
    <div hx-swap-oob="beforeend:#thread">
      <PhoneBubble message={message} />
    </div>
  );
}

export interface PhonePageProps {
  /** Her number (E.164), when she shares it. */
  number?: string;
  /** Her username (without `@`): she then writes with a simulated BSUID. */
  username?: string;
  name?: string;
  messages: PhoneMessage[];
  error?: string;
}

/** `number=…&username=…` for the page's live socket: it listens on each address a reply may use. */
function whoQuery(number?: string, username?: string): string {
  const query = new URLSearchParams();
  if (number) query.set('number', number);
  if (username) query.set('username', username);
  return query.toString();
}

export function PhonePage({ number, username, name, messages, error }: PhonePageProps) {
  const playing = Boolean(number || username);
  const live = playing ? `/dev/phone/live?${whoQuery(number, username)}` : undefined;
  return (
    <Layout title="Wasap — phone simulator" lang="en" live>
      <main class="phone">
        <header class="phone-header">
          <h1>Phone simulator</h1>
          <p>
            Plays an aspirant's WhatsApp. Messages go through the same path as a provider's webhook. With a username she hides her number (her messages carry a business-scoped user id); give both to
            have the same person share her number later.
          </p>
          <form method="get" action="/dev/phone" class="phone-who">
            <label>
              Number (E.164) <input name="number" value={playing || username ? (number ?? '') : '+573001234567'} pattern="\+[1-9][0-9]{7,14}" />
            </label>
            <label>
              Username <input name="username" value={username ?? ''} maxlength="36" pattern="@?[A-Za-z0-9._]{1,35}" placeholder="alone: a user who hides her number" />
            </label>
            <label>
              WhatsApp name <input name="name" value={name ?? 'Valentina'} maxlength="60" />
            </label>
            <button type="submit">Open chat</button>
          </form>
        </header>
        {error ? (
          <p class="error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        {playing ? (
          <section class="phone-chat" hx-ws:connect={live}>
            <ol id="thread" class="thread" aria-live="polite">
              {messages.map((message) => (
                <PhoneBubble message={message} />
              ))}
            </ol>
            <form method="post" action="/dev/phone/messages" enctype="multipart/form-data" class="composer">
              <input type="hidden" name="number" value={number ?? ''} />
              <input type="hidden" name="username" value={username ?? ''} />
              <input type="hidden" name="name" value={name ?? ''} />
              <label class="visually-hidden" for="body">
                Message
              </label>
              <textarea id="body" name="body" rows="2" maxlength="4096" placeholder="Write a message"></textarea>
              <label class="photo-pick">
                Photo <input type="file" name="photo" accept="image/*,video/*,audio/*,application/pdf" />
              </label>
              <button type="submit">Send</button>
            </form>
          </section>
        ) : (
          ''
        )}
      </main>
    </Layout>
  );
}
