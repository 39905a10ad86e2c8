// Instant results for the search page: the form works without this script.
(function () {
  var input = document.querySelector('input[data-instant]');
  var results = document.getElementById('results');
  if (!input || !results || !window.fetch) return;
  var timer = null;
  var latest = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      var ticket = ++latest;
      fetch(input.dataset.instant + '?partial=1&q=' + encodeURIComponent(q), {
        headers: { 'Accept': 'text/html' },
        credentials: 'same-origin'
      }).then(function (r) { return r.text(); }).then(function (html) {
        if (ticket !== latest) return;
        results.innerHTML = html;
        history.replaceState(null, '', '/search?q=' + encodeURIComponent(q));
      }).catch(function () {});
    }, 150);
  });
})();

// While a question is typed, show handbook pages and earlier answers that may answer it.
(function () {
  document.querySelectorAll('textarea[data-suggest]').forEach(function (area) {
    var box = document.getElementById(area.dataset.suggest);
    if (!box || !window.fetch) return;
    var timer = null;
    var latest = 0;
    area.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = area.value.trim();
        var ticket = ++latest;
        if (q.length < 4) { box.innerHTML = ''; return; }
        fetch('/search?partial=1&limit=5&q=' + encodeURIComponent(q.slice(0, 400)), { credentials: 'same-origin' })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            if (ticket !== latest) return;
            box.innerHTML = '<p class="meta">These may already answer it:</p>' + html;
          }).catch(function () {});
      }, 250);
    });
  });
})();
