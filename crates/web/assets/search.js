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
