// Progressive enhancement for the explorer. Every page works without this file: forms submit, links navigate,
// "why this?" shows on hover and focus. With it: search suggestions, tap-to-toggle reasons, hearts and the
// "For you" carousel, and Sketchfab's 3D viewer loaded in place on request. Kept out of the pages so the
// Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Thumbnails whose link is missing or broken (Sketchfab's CDN links rotate) show the placeholder instead. Error
  // events do not bubble, so the listener captures them on the way down.
  document.addEventListener("error", function (event) {
    var image = event.target;
    if (image && image.tagName === "IMG" && image.dataset.fallback && image.src.indexOf(image.dataset.fallback) === -1) {
      image.src = image.dataset.fallback;
    }
  }, true);

  // ---- Likes kept in this browser -------------------------------------------------------------------------
  var likesKey = "recasketch.likes";
  var midPattern = /^([0-9a-f]{32}|[0-9A-Za-z]{26,27})$/;

  function readLikes() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(likesKey) || "[]");
      return Array.isArray(stored) ? stored.filter(function (mid) { return typeof mid === "string" && midPattern.test(mid); }) : [];
    } catch (error) {
      return [];
    }
  }

  function writeLikes(likes) {
    try { window.localStorage.setItem(likesKey, JSON.stringify(likes.slice(-500))); } catch (error) { /* private mode */ }
  }

  function paintHearts() {
    var likes = readLikes();
    document.querySelectorAll("button.heart").forEach(function (button) {
      button.setAttribute("aria-pressed", likes.indexOf(button.dataset.mid) >= 0 ? "true" : "false");
    });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // The "For you" carousel, from the likes in this browser by folding them into WRMF on the server.
  var forYouRequest = 0;
  function refreshForYou() {
    var section = document.getElementById("for-you");
    if (!section) { return; }
    var likes = readLikes();
    var track = section.querySelector(".track");
    var note = section.querySelector(".for-you-note");
    if (likes.length === 0) { section.hidden = true; track.replaceChildren(); return; }
    var request = ++forYouRequest;
    fetch("/api/v1/recommendations", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ liked: likes, limit: 12 })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (answer) {
      if (request !== forYouRequest) { return; }
      var cards = answer.recommendations.map(function (entry) {
        var model = entry.model;
        var card = element("li", { "class": "card" });
        var link = element("a", { href: "/models/" + encodeURIComponent(model.mid) });
        link.appendChild(element("img", {
          src: model.thumbnail || "/static/placeholder.svg", alt: model.name, loading: "lazy",
          width: "200", height: "200", "data-fallback": "/static/placeholder.svg"
        }));
        card.appendChild(link);
        card.appendChild(element("a", { "class": "name", href: "/models/" + encodeURIComponent(model.mid) }, model.name));
        var heart = element("button", { type: "button", "class": "heart", "data-mid": model.mid, "aria-pressed": "false" });
        heart.appendChild(element("span", { "class": "visually-hidden" }, "Like " + model.name));
        card.appendChild(heart);
        return card;
      });
      track.replaceChildren.apply(track, cards);
      var count = answer.liked.length;
      note.textContent = answer.algorithm === "popularity"
        ? "None of your " + likes.length + " liked models has likes from other users yet: here are the most liked instead."
        : "From the " + count + " model" + (count === 1 ? "" : "s") + " you liked, by folding them into the likes model (WRMF).";
      section.hidden = false;
      paintHearts();
    }).catch(function () {
      if (request !== forYouRequest) { return; }
      note.textContent = "Suggestions for you could not be loaded just now.";
      section.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var heart = event.target.closest("button.heart");
    if (heart) {
      var likes = readLikes();
      var at = likes.indexOf(heart.dataset.mid);
      if (at >= 0) { likes.splice(at, 1); } else if (midPattern.test(heart.dataset.mid)) { likes.push(heart.dataset.mid); }
      writeLikes(likes);
      paintHearts();
      refreshForYou();
      return;
    }
    // "Why this?" opens on tap as well as on hover and focus; one open at a time.
    var why = event.target.closest("button.why");
    if (why) {
      var open = why.getAttribute("aria-expanded") !== "true";
      document.querySelectorAll("button.why[aria-expanded='true']").forEach(function (other) {
        other.setAttribute("aria-expanded", "false");
      });
      why.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var view3d = event.target.closest("a.view3d");
    if (view3d) {
      event.preventDefault();
      toggleViewer(view3d);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("button.why[aria-expanded='true']").forEach(function (why) {
        why.setAttribute("aria-expanded", "false");
      });
    }
  });

  // ---- 3D viewer: Sketchfab's embed, loaded only when asked -----------------------------------------------------
  function toggleViewer(button) {
    var viewer = document.getElementById(button.getAttribute("aria-controls"));
    if (!viewer) { return; }
    var frame = viewer.querySelector("iframe");
    if (frame) {
      frame.remove();
      viewer.classList.remove("open");
      viewer.querySelector(".thumb").hidden = false;
      button.textContent = "View in 3D";
      button.setAttribute("aria-expanded", "false");
      return;
    }
    frame = element("iframe", {
      src: button.dataset.embed, title: button.dataset.title, allow: "autoplay; fullscreen; xr-spatial-tracking",
      allowfullscreen: "", loading: "eager"
    });
    viewer.querySelector(".thumb").hidden = true;
    viewer.classList.add("open");
    viewer.appendChild(frame);
    button.textContent = "Close 3D view";
    button.setAttribute("aria-expanded", "true");
  }

  // ---- Search suggestions: a combobox over the search API --------------------------------------------------------
  function enhanceSearch(input) {
    var list = element("ul", { id: input.id + "-suggestions", role: "listbox", "class": "suggestions", hidden: "" });
    list.setAttribute("aria-label", "Suggested models");
    input.parentNode.parentNode.appendChild(list);
    // A combobox is a text field in ARIA's terms (a search field may not take the role); the phone keyboard still
    // shows its search key.
    input.type = "text";
    input.setAttribute("enterkeyhint", "search");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    var active = -1, timer = 0, sequence = 0, options = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, position) { option.setAttribute("aria-selected", position === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      options = results.map(function (model, position) {
        var option = element("li", { id: list.id + "-" + position, role: "option", "aria-selected": "false", "data-mid": model.mid });
        option.appendChild(element("img", { src: model.thumbnail || "/static/placeholder.svg", alt: "", width: "40", height: "40",
                                            "data-fallback": "/static/placeholder.svg" }));
        option.appendChild(element("span", {}, model.name));
        return option;
      });
      list.replaceChildren.apply(list, options);
      active = -1;
      if (options.length === 0) { close(); return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function pick(option) { window.location.assign("/models/" + encodeURIComponent(option.dataset.mid)); }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { close(); return; }
      timer = window.setTimeout(function () {
        var current = ++sequence;
        fetch("/api/v1/search?limit=8&q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (answer) { if (current === sequence) { show(answer.results); } })
          .catch(close);
      }, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % options.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? options.length - 1 : active - 1); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(options[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("li[role='option']");
      if (option) { pick(option); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("q");
    if (search) { enhanceSearch(search); }
    document.querySelectorAll("a.view3d").forEach(function (link) {
      link.setAttribute("role", "button");
      link.setAttribute("aria-expanded", "false");
    });
    paintHearts();
    refreshForYou();
  });
})();
