/** @module server/realtime/hub.test — publishing reaches subscribed topics in each reader's words, skips empty ones, and always tells in-process listeners. */
import { expect, test } from 'bun:test';
import { translator } from '../../views/i18n';
import { createHub, perReader } from './hub';

test('a topic with subscribers is published to, an empty one is skipped, and listeners hear both', async () => {
  const hub = createHub();
  const sent: string[] = [];
  const heard: string[] = [];
  hub.attach({ publish: (topic, data) => sent.push(`${topic}:${data}`), subscriberCount: (topic) => (topic === 'watched' ? 1 : 0) });
  hub.listen((topic) => heard.push(topic));
  hub.publish('watched', 'a');
  hub.publish('empty', 'b');
  expect(sent).toEqual(['watched:a']);
  expect(heard).toEqual(['watched', 'empty']);
  expect(hub.subscribers('watched')).toBe(1);
});

test('a server that cannot count subscribers is published to on every topic', () => {
  const hub = createHub();
  const sent: string[] = [];
  hub.attach({ publish: (topic) => sent.push(topic) });
  hub.publish('any', 'x');
  expect(sent).toEqual(['any']);
});

test("a rendered fragment reaches each reader's topic in that reader's words, rendered once per reader key and only for topics someone hears", async () => {
  const hub = createHub();
  const subscribed = new Set<string>();
  const sent: string[] = [];
  hub.attach({ publish: (topic, data) => sent.push(`${topic} ${data}`), subscriberCount: (topic) => (subscribed.has(topic) ? 1 : 0) });
  const es = hub.join(translator('es', 'America/Bogota'));
  const en = hub.join(translator('en', 'Europe/Madrid'));
  const alsoEs = hub.join(translator('es', 'America/Bogota'));
  for (const reader of [es, en]) subscribed.add(reader.topic('list'));
  const rendered: string[] = [];
  const render = perReader((i18n) => {
    rendered.push(i18n.key);
    return i18n.t('inbox.list.unassigned');
  });
  await hub.publish('list', render);
  await hub.publish('other', render);
  expect(sent.sort()).toEqual(['list@en~Europe/Madrid Unassigned', 'list@es~America/Bogota Sin asignar']);
  expect(rendered.sort()).toEqual(['en~Europe/Madrid', 'es~America/Bogota']);
  expect(hub.subscribers('list')).toBe(2);

  // A reader key stays while one of its sockets is open; the last to leave ends it.
  es.leave();
  sent.length = 0;
  await hub.publish(
    'list',
    perReader((i18n) => i18n.t('inbox.list.unassigned')),
  );
  expect(sent).toContain('list@es~America/Bogota Sin asignar');
  alsoEs.leave();
  en.leave();
  sent.length = 0;
  await hub.publish(
    'list',
    perReader((i18n) => i18n.t('inbox.list.unassigned')),
  );
  expect(sent).toEqual([]);
});

test('a plain string goes to the plain topic and to every reader of it, and listeners hear renderings in Spanish', async () => {
  const hub = createHub();
  const sent: string[] = [];
  hub.attach({ publish: (topic, data) => sent.push(`${topic} ${data}`), subscriberCount: () => 1 });
  hub.join(translator('en', 'UTC'));
  const heard: string[] = [];
  hub.listen((topic, data) => heard.push(`${topic} ${data}`));
  await hub.publish('t', 'same');
  await hub.publish('t', (i18n) => i18n.t('inbox.list.unassigned'));
  expect(sent).toEqual(['t same', 't@en~UTC same', 't@en~UTC Unassigned']);
  expect(heard).toEqual(['t same', 't Sin asignar']);
});
