/* global document, navigator */
// Share button of the business page: the Web Share API where the browser has it, else copy the link.
// Served from /static (same origin), so the page's CSP allows it without 'unsafe-inline'.
(function () {
  var button = document.getElementById('share');
  var status = document.getElementById('share-status');
  if (!button) return;
  var url = button.getAttribute('data-url');
  var title = button.getAttribute('data-title') || document.title;
  var tell = function (text) { if (status) status.textContent = text; };
  button.hidden = false;
  button.addEventListener('click', function () {
    if (navigator.share) {
      navigator.share({ title: title, url: url }).catch(function () { /* the visitor closed the share sheet */ });
      return;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { tell(button.getAttribute('data-copied')); }, function () {
        tell(button.getAttribute('data-prompt') + ' ' + url);
      });
      return;
    }
    tell(button.getAttribute('data-prompt') + ' ' + url);
  });
})();
