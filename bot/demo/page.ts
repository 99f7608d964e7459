/**
 * The demo chat page: a static shell. Every text on it is filled in by /demo/assets/chat.js from
 * /demo/api/session (locales/<lng>/demo.json) and the chat timelines, always as text nodes, never as HTML.
 */
export function renderDemoPage(): string {
  return `<!doctype html>
<html lang="ro">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LAG assistant — demo</title>
<link rel="stylesheet" href="/demo/assets/chat.css">
<script src="/demo/assets/chat.js" defer></script>
</head>
<body>
<div class="app">
  <aside class="side">
    <h1 id="title"></h1>
    <p id="intro" class="intro"></p>
    <label><span id="l-persona"></span><select id="persona"></select></label>
    <label><span id="l-language"></span><select id="language"></select></label>
    <label><span id="l-inbox"></span><select id="inbox"></select></label>
    <p id="hint" class="hint"></p>
  </aside>
  <main class="chat">
    <header class="chat-head"><div class="avatar">🤝</div><div><div id="bot-name" class="bot-name"></div><div id="chat-user" class="chat-user"></div></div></header>
    <div id="messages" class="messages" aria-live="polite"></div>
    <div id="reply-kb" class="reply-kb" hidden></div>
    <form id="composer" class="composer" autocomplete="off">
      <label class="attach" id="attach-label"><input type="file" id="photo" accept="image/jpeg,image/png"><span aria-hidden="true">📎</span></label>
      <input type="text" id="text" maxlength="4096">
      <button type="submit" id="send"></button>
    </form>
    <div id="toast" class="toast" hidden></div>
  </main>
</div>
</body>
</html>
`;
}
