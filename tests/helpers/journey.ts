/** Counts what a person does (messages sent, buttons pressed) while a test walks a journey. */
import type { FakeUser, SentMessage } from './fake-telegram.js';

export interface CountingUser {
  u: FakeUser;
  /** Messages and taps so far. */
  readonly actions: number;
  say(text: string, needle: string | RegExp): Promise<SentMessage>;
  tap(data: string, needle: string | RegExp): Promise<SentMessage>;
  press(data: string): void;
  send(text: string): void;
  sendPhoto(data: Buffer, size: { width: number; height: number }): string;
}

export function counting(u: FakeUser): CountingUser {
  let actions = 0;
  return {
    u,
    get actions() {
      return actions;
    },
    say: (text, needle) => (actions++, u.say(text, needle)),
    tap: (data, needle) => (actions++, u.tap(data, needle)),
    press: (data) => (actions++, u.press(data)),
    send: (text) => (actions++, u.send(text)),
    sendPhoto: (data, size) => (actions++, u.sendPhoto(data, size)),
  };
}
