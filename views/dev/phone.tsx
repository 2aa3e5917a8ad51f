/** @module views/dev/phone — the simulator's phone: play an aspirant, send text and photos, see replies live. */
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
  number?: string;
  name?: string;
  messages: PhoneMessage[];
  error?: string;
}

export function PhonePage({ number, name, messages, error }: PhonePageProps) {
  const live = number ? `/dev/phone/live?number=${encodeURIComponent(number)}` : undefined;
  return (
    <Layout title="Wasap — phone simulator" lang="en" live>
      <main class="phone">
        <header class="phone-header">
          <h1>Phone simulator</h1>
          <p>Plays an aspirant's WhatsApp. Messages go through the same path as Twilio's webhook.</p>
          <form method="get" action="/dev/phone" class="phone-who">
            <label>
              Number (E.164) <input name="number" value={number ?? '+573001234567'} required pattern="\+[1-9][0-9]{7,14}" />
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
        {number ? (
          <section class="phone-chat" hx-ws:connect={live}>
            <ol id="thread" class="thread" aria-live="polite">
              {messages.map((message) => (
                <PhoneBubble message={message} />
              ))}
            </ol>
            <form method="post" action="/dev/phone/messages" enctype="multipart/form-data" class="composer">
              <input type="hidden" name="number" value={number} />
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
