/** @module server/realtime/hub.test — publishing reaches subscribed topics, skips empty ones, and always tells in-process listeners. */
import { expect, test } from 'bun:test';
import { createHub } from './hub';

test('a topic with subscribers is published to, an empty one is skipped, and listeners hear both', () => {
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
