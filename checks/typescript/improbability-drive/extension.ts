// Extension (bonus): end-to-end encryption in the selectors.

import { deepFreeze, ensureEq, ensureSame } from '../harness';
import { NOW, chat, channel, message, someView, user, viewIds, type Message, type State } from './data';
import * as L from './learner';

/** A toy cipher (reversed text in brackets) that counts its decryptions. */
class CountingCipher implements L.Cipher {
  decrypted = 0;

  encrypt(plaintext: string): string {
    return `[${[...plaintext].reverse().join('')}]`;
  }

  decrypt(ciphertext: string): string {
    this.decrypted++;
    return [...ciphertext.slice(1, -1)].reverse().join('');
  }
}

const cipher = new CountingCipher();
const secret = (id: string, author: string, at: number, text: string, extra: Partial<Message> = {}) =>
  message(id, 'vault', author, at, { content: cipher.encrypt(text), ...extra });

function vault(n: number): State {
  const messages = Array.from({ length: n }, (_, i) => secret(`v${String(i).padStart(3, '0')}`, i % 2 === 0 ? 'arthur' : 'ford', NOW + i, `secret ${i}`));
  messages.push(secret('r1', 'ford', NOW + n, 'a reply', { parentMessageId: 'v000' }));
  return chat({ channels: [channel('vault')], users: [user('arthur'), user('ford')], members: [['vault', 'arthur'], ['vault', 'ford']], messages });
}

export function selectorsDecrypt(): void {
  const s = vault(3);
  const v = someView(L.makeSelectChannelWithLiveDataEncrypted(new CountingCipher())(s, 'vault', 'arthur'), 'the encrypted view of vault');
  ensureEq(v.messages.map((m) => m.content), ['secret 0', 'secret 1', 'secret 2', 'a reply'], 'the encrypted view: the contents shown');
  ensureEq(v.messages[0]?.message.content, cipher.encrypt('secret 0'), 'the encrypted view: message.content (stored ciphertext)');
  ensureSame(v.messages[0]?.message, s.messages.v000, 'the encrypted view: the message (as stored)');
  const t = someView(L.makeSelectMessageThreadEncrypted(new CountingCipher())(s, 'v000'), 'the encrypted thread of v000');
  ensureEq([t.parent.content, t.replies.map((r) => r.content)], ['secret 0', ['a reply']], 'the encrypted thread of v000 as [parent, replies] content');
}

export function decryptOnce(): void {
  const s = vault(60);
  const counter = new CountingCipher();
  const sel = L.makeSelectChannelWithLiveDataEncrypted(counter);
  const first = someView(sel(s, 'vault', 'arthur'), 'the encrypted view');
  ensureEq([viewIds(first).length, counter.decrypted], [50, 50], 'the first view of 61 messages as [messages shown, decryptions]');
  sel(s, 'vault', 'ford');
  ensureEq(counter.decrypted, 50, 'decryptions after the same selector built the view again for another viewer');
  const more = deepFreeze({
    ...s,
    messages: { ...s.messages, n1: secret('n1', 'arthur', NOW + 999, 'new') },
    channelMessages: { ...s.channelMessages, vault: [...(s.channelMessages.vault as string[]), 'n1'] },
  });
  ensureEq(someView(sel(more, 'vault', 'arthur'), 'the view after one new message').messages.at(-1)?.content, 'new', 'the newest message after one arrived');
  ensureEq(counter.decrypted, 51, 'decryptions after one new message arrived (one more)');
  const edited = deepFreeze({ ...more, messages: { ...more.messages, n1: { ...(more.messages.n1 as Message), content: cipher.encrypt('newer'), version: 2 } } });
  sel(edited, 'vault', 'arthur');
  ensureEq(counter.decrypted, 52, 'decryptions after the newest message was edited (one more)');
}
