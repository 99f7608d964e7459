// The demo web chat: acts as Telegram users toward the Bot API emulator and renders what the bot sends.
// Everything from the bot or users is inserted with textContent (bot texts are plain text, never HTML).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { session: null, persona: null, chatId: 0, lang: 'ro', version: -1, polling: 0, strings: {} };

  function t(key, params) {
    const parts = key.split('.');
    let v = state.strings;
    for (const p of parts) v = v && typeof v === 'object' ? v[p] : undefined;
    let s = typeof v === 'string' ? v : key;
    for (const [k, val] of Object.entries(params || {})) s = s.split('{{' + k + '}}').join(String(val));
    return s;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function toast(text) {
    const box = $('toast');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
  }

  async function post(path, body, headers) {
    const res = await fetch(path, {
      method: 'POST',
      headers: headers || { 'content-type': 'application/json' },
      body: headers ? body : JSON.stringify(body),
    });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json();
  }

  function applyStrings() {
    state.strings = state.session.strings[state.lang] || state.session.strings.ro;
    document.documentElement.lang = state.lang;
    document.title = t('title');
    $('title').textContent = t('title');
    $('intro').textContent = t('intro');
    $('l-persona').textContent = t('persona');
    $('l-language').textContent = t('language');
    $('l-inbox').textContent = t('inbox');
    $('hint').textContent = t('hint');
    $('bot-name').textContent = t('bot_name');
    $('text').placeholder = t('placeholder');
    $('send').textContent = t('send');
    $('attach-label').title = t('photo');
    $('photo').setAttribute('aria-label', t('photo'));
    const persona = $('persona');
    persona.replaceChildren(...state.session.personas.map((p) => {
      const o = el('option', '', t('personas.' + p.key) + ' — ' + p.name);
      o.value = p.key;
      return o;
    }));
    persona.value = state.persona.key;
    renderInboxOptions(state.lastChats || []);
  }

  function renderInboxOptions(chats) {
    state.lastChats = chats;
    const inbox = $('inbox');
    const own = el('option', '', t('inbox_persona'));
    own.value = '';
    const opts = [own];
    for (const c of chats) {
      if (c.id === state.persona.id) continue;
      const o = el('option', '', c.name);
      o.value = String(c.id);
      opts.push(o);
    }
    inbox.replaceChildren(...opts);
    inbox.value = state.chatId === state.persona.id ? '' : String(state.chatId);
    if (inbox.value === '' && state.chatId !== state.persona.id) {
      const o = el('option', '', String(state.chatId));
      o.value = String(state.chatId);
      inbox.appendChild(o);
      inbox.value = String(state.chatId);
    }
  }

  function renderButtons(msg) {
    const kb = el('div', 'inline-kb');
    for (const row of msg.buttons) {
      const r = el('div', 'kb-row');
      for (const b of row) {
        if (b.url) {
          const a = el('a', 'kb-btn kb-link', b.text);
          a.href = b.url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          r.appendChild(a);
          continue;
        }
        const btn = el('button', 'kb-btn', b.text);
        btn.type = 'button';
        if (b.data !== undefined) {
          btn.dataset.data = b.data;
          btn.addEventListener('click', () => act(() => post('/demo/api/press', { user: state.chatId, lang: state.lang, message: msg.id, data: b.data })));
        } else if (b.copy !== undefined) {
          btn.addEventListener('click', () => {
            if (navigator.clipboard) navigator.clipboard.writeText(b.copy).catch(() => undefined);
            toast(t('copied', { text: b.copy }));
          });
        } else btn.disabled = true;
        r.appendChild(btn);
      }
      kb.appendChild(r);
    }
    return kb;
  }

  function renderMessage(m) {
    const wrap = el('div', 'msg ' + m.from + (m.deleted ? ' deleted' : ''));
    wrap.dataset.id = String(m.id);
    const bubble = el('div', 'bubble');
    if (m.deleted) {
      bubble.appendChild(el('div', 'text muted', t('deleted')));
      wrap.appendChild(bubble);
      return wrap;
    }
    if (m.photo) {
      const img = el('img', 'photo');
      img.src = m.photo;
      img.alt = '';
      img.loading = 'lazy';
      bubble.appendChild(img);
    }
    if (m.document) bubble.appendChild(el('div', 'doc', '📄 ' + t('document', { name: m.document })));
    if (m.contact) bubble.appendChild(el('div', 'doc', '📞 ' + t('contact', { phone: m.contact })));
    if (m.text) bubble.appendChild(el('div', 'text', m.text));
    const meta = el('div', 'meta', (m.edited ? t('edited') + ' · ' : '') + new Date(m.at).toLocaleTimeString(state.lang, { hour: '2-digit', minute: '2-digit' }));
    bubble.appendChild(meta);
    wrap.appendChild(bubble);
    if (m.buttons && m.buttons.length) wrap.appendChild(renderButtons(m));
    return wrap;
  }

  function render(view) {
    const box = $('messages');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    $('chat-user').textContent = view.user.name + ' · ' + view.user.id;
    if (!view.messages.length) box.replaceChildren(el('div', 'empty', t('empty')));
    else box.replaceChildren(...view.messages.map(renderMessage));
    if (atBottom || state.scrollNext) box.scrollTop = box.scrollHeight;
    state.scrollNext = false;
    const rk = $('reply-kb');
    if (view.replyKeyboard && view.replyKeyboard.length) {
      rk.replaceChildren(...view.replyKeyboard.map((row) => {
        const r = el('div', 'kb-row');
        for (const b of row) {
          const btn = el('button', 'kb-btn', b.text);
          btn.type = 'button';
          btn.addEventListener('click', () => {
            state.scrollNext = true;
            act(() => (b.contact ? post('/demo/api/contact', { user: state.chatId, lang: state.lang }) : post('/demo/api/send', { user: state.chatId, lang: state.lang, text: b.text })));
          });
          r.appendChild(btn);
        }
        return r;
      }));
      rk.hidden = false;
    } else {
      rk.hidden = true;
      rk.replaceChildren();
    }
    renderInboxOptions(view.chats || []);
  }

  async function act(fn) {
    try {
      await fn();
    } catch {
      toast(t('failed'));
    }
  }

  /** Long-polls the open chat; a newer poll (another chat opened) makes older ones stop. */
  async function poll() {
    const mine = ++state.polling;
    state.version = -1;
    while (mine === state.polling) {
      try {
        const res = await fetch('/demo/api/chat?user=' + state.chatId + '&after=' + state.version, { cache: 'no-store' });
        if (mine !== state.polling) return;
        if (!res.ok) throw new Error('HTTP ' + res.status);
        const view = await res.json();
        if (mine !== state.polling) return;
        state.version = view.version;
        render(view);
      } catch {
        await new Promise((r) => setTimeout(r, 1500));
      }
    }
  }

  function openChat(id) {
    state.chatId = id;
    state.scrollNext = true;
    $('messages').replaceChildren();
    poll();
  }

  function choosePersona(key) {
    state.persona = state.session.personas.find((p) => p.key === key) || state.session.personas[0];
    state.lang = state.persona.lang || state.persona.locale;
    $('language').value = state.lang;
    applyStrings();
    openChat(state.persona.id);
  }

  async function start() {
    const res = await fetch('/demo/api/session', { cache: 'no-store' });
    state.session = await res.json();
    const language = $('language');
    language.replaceChildren(...state.session.languages.map((l) => {
      const o = el('option', '', l.name);
      o.value = l.code;
      return o;
    }));
    const wanted = new URLSearchParams(location.search).get('persona');
    choosePersona(wanted || 'newcomer');

    $('persona').addEventListener('change', (e) => choosePersona(e.target.value));
    language.addEventListener('change', (e) => {
      state.lang = e.target.value;
      state.persona.lang = state.lang;
      applyStrings();
      act(() => post('/demo/api/language', { user: state.chatId, lang: state.lang }));
    });
    $('inbox').addEventListener('change', (e) => openChat(e.target.value ? Number(e.target.value) : state.persona.id));
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      const input = $('text');
      const text = input.value;
      if (!text.trim()) return;
      input.value = '';
      state.scrollNext = true;
      act(() => post('/demo/api/send', { user: state.chatId, lang: state.lang, text }));
    });
    $('photo').addEventListener('change', (e) => {
      const file = e.target.files && e.target.files[0];
      e.target.value = '';
      if (!file) return;
      if (!/^image\/(jpeg|png)$/.test(file.type)) return toast(t('photo_not_image'));
      if (file.size > 10 * 1024 * 1024) return toast(t('photo_too_big'));
      state.scrollNext = true;
      act(() => post('/demo/api/photo?user=' + state.chatId + '&lang=' + state.lang, file, { 'content-type': file.type }));
    });
  }

  document.addEventListener('DOMContentLoaded', () => { start().catch(() => toast('…')); });
})();
