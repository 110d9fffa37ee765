// The ask form (templates/consultations/ask.html): similar published answers while typing, and the
// character count. A static file, since the CSP forbids inline script. Without it the page still
// works: the server shows the similar answers once before sending.
(function () {
  "use strict";
  var form = document.getElementById("ask-form");
  if (!form) {
    return;
  }
  var subject = form.querySelector("[name=subject]");
  var body = form.querySelector("[name=body]");
  var item = form.querySelector("[name=item]");
  var seen = form.querySelector("[name=faq_seen]");
  var panel = document.getElementById("faq-panel");
  var list = document.getElementById("faq-panel-list");
  var count = document.getElementById("body-count");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";
  var pending = null;

  function showCount() {
    if (!count || !body) {
      return;
    }
    var max = body.getAttribute("maxlength") || "";
    var template = count.getAttribute("data-template") || "{count}";
    count.textContent = template.replace("{count}", String(body.value.length)).replace("{max}", max);
  }

  function show(results) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    results.forEach(function (result) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = result.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = result.question;
      li.appendChild(a);
      list.appendChild(li);
    });
    panel.classList.toggle("d-none", results.length === 0);
    if (results.length && seen) {
      // The asker has seen the answers: the server need not show them again before sending.
      seen.value = "on";
    }
  }

  function suggest() {
    var q = ((subject ? subject.value : "") + " " + (body ? body.value : "")).trim().slice(0, 200);
    var key = q + "\u0000" + (item ? item.value : "");
    if (key === last) {
      return;
    }
    last = key;
    if (q.length < 2) {
      show([]);
      return;
    }
    if (pending && pending.abort) {
      pending.abort();
    }
    pending = window.AbortController ? new AbortController() : null;
    var params = new URLSearchParams({ q: q, item: item ? item.value : "" });
    fetch(url + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        show(data.results || []);
      })
      .catch(function () {
        // Offline or aborted: the server shows the answers before sending anyway.
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 500);
  }

  [subject, body].forEach(function (field) {
    if (field) {
      field.addEventListener("input", later);
    }
  });
  if (item) {
    item.addEventListener("change", later);
  }
  if (body) {
    body.addEventListener("input", showCount);
  }
  showCount();
})();
