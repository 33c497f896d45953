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

  // ---- What visitors click: counted, never tracked ---------------------------------------------------------------
  // On a model's page the leading carousels come in a fresh random order on every view (none wins by being on top),
  // and a first carousel mixes their lists by team-draft multileaving, without saying who placed which card. The
  // page reports, with a keepalive fetch, each carousel as it comes into view and each card clicked: the page's
  // model, the carousel, the cards and a position. No cookie, no id, nothing stored in the browser; nothing at all
  // is sent when the browser asks for Do Not Track or Global Privacy Control.
  var counting = !(navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true);
  var eventQueue = [], eventTimer = 0;

  function sendEvents() {
    window.clearTimeout(eventTimer);
    while (eventQueue.length > 0) {
      var body = JSON.stringify({ events: eventQueue.splice(0, 32) });
      // As application/json, the one type the endpoint reads: a keepalive fetch outlives the page like a beacon
      // (same origin, so no preflight); sendBeacon with a JSON Blob where fetch cannot keep the request alive.
      try {
        fetch("/api/v1/events", { method: "POST", body: body, keepalive: true, credentials: "omit",
                                  headers: { "Content-Type": "application/json" } }).catch(function () {});
      } catch (error) {
        try { navigator.sendBeacon("/api/v1/events", new Blob([body], { type: "application/json" })); } catch (ignored) { /* counts only */ }
      }
    }
  }

  function queueEvent(event, now) {
    if (!counting) { return; }
    eventQueue.push(event);
    window.clearTimeout(eventTimer);
    if (now) { sendEvents(); } else { eventTimer = window.setTimeout(sendEvents, 400); }
  }

  function cardModel(card) {
    var heart = card.querySelector("button.heart");
    return heart ? heart.dataset.mid : "";
  }

  function shuffled(values) {
    var copy = values.slice();
    for (var index = copy.length - 1; index > 0; index--) {
      var other = Math.floor(Math.random() * (index + 1));
      var value = copy[index]; copy[index] = copy[other]; copy[other] = value;
    }
    return copy;
  }

  // Rounds in which every algorithm, in a new random order, adds its best card not yet taken (the server's
  // TeamDraftMultileaving does the same for the visitor simulator).
  function teamDraft(teams, length) {
    var merged = [], taken = {}, next = teams.map(function () { return 0; });
    while (merged.length < length) {
      var added = false;
      shuffled(teams.map(function (team, index) { return index; })).forEach(function (index) {
        if (merged.length >= length) { return; }
        var cards = teams[index].cards;
        while (next[index] < cards.length && taken[cardModel(cards[next[index]])]) { next[index]++; }
        if (next[index] >= cards.length) { return; }
        var card = cards[next[index]];
        taken[cardModel(card)] = true;
        merged.push({ card: card, team: teams[index].algorithm });
        added = true;
      });
      if (!added) { break; }
    }
    return merged;
  }

  function setUpComparison() {
    var match = /^\/models\/([0-9A-Za-z]+)\/?$/.exec(window.location.pathname);
    if (!match) { return; }
    var page = match[1];
    var sections = Array.prototype.slice.call(document.querySelectorAll("section.carousel[data-algorithm]"));
    var leading = sections.filter(function (section) { return !section.closest("details.baselines"); });
    if (leading.length === 0) { return; }
    // The leading carousels in a fresh order, in the places they held.
    var anchor = document.createComment("carousels");
    leading[0].parentNode.insertBefore(anchor, leading[0]);
    var order = shuffled(leading);
    var place = anchor;
    order.forEach(function (section) { place.parentNode.insertBefore(section, place.nextSibling); place = section; });
    var baselineBox = document.querySelector("details.baselines");
    if (baselineBox) {
      var baselines = sections.filter(function (section) { return section.closest("details.baselines"); });
      shuffled(baselines).forEach(function (section) { baselineBox.appendChild(section); });
    }

    var counted = [];
    if (leading.length >= 2) {
      var teams = leading.map(function (section) {
        return { algorithm: section.dataset.algorithm, cards: Array.prototype.slice.call(section.querySelectorAll("li.card")) };
      });
      var length = Math.max.apply(null, teams.map(function (team) { return team.cards.length; }));
      var merged = teamDraft(teams, length);
      var picked = element("section", { "class": "carousel picked", "aria-labelledby": "picked-title", "data-carousel": "picked" });
      var heading = element("h2", { id: "picked-title" }, "Picked from all of them ");
      heading.appendChild(element("small", {}, "the carousels below, mixed"));
      picked.appendChild(heading);
      var track = element("ul", { "class": "track", tabindex: "0", "aria-label": "Picked from all of them" });
      merged.forEach(function (entry) {
        var card = entry.card.cloneNode(true);
        // No labels: which carousel placed the card, or suggests it too, would tell the visitor whose it is.
        card.querySelectorAll(".also, button.why, .why-text").forEach(function (node) { node.remove(); });
        card.dataset.team = entry.team;
        track.appendChild(card);
      });
      picked.appendChild(track);
      anchor.parentNode.insertBefore(picked, anchor);
      picked.rankers = teams.map(function (team) { return team.algorithm; });
      counted.push(picked);
    }
    counted = counted.concat(sections);
    if (!counting) { return; }

    var decided = false;
    function describe(section) {
      var cards = Array.prototype.slice.call(section.querySelectorAll("li.card"));
      var picked = section.dataset.carousel === "picked";
      return { cards: cards, carousel: picked ? "picked" : section.dataset.algorithm, picked: picked };
    }
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) { return; }
          observer.unobserve(entry.target);
          var seen = describe(entry.target);
          var event = { type: "impression", page: page, carousel: seen.carousel, models: seen.cards.map(cardModel) };
          if (seen.picked) { event.placed_by = seen.cards.map(function (card) { return card.dataset.team; }); }
          queueEvent(event, false);
        });
      }, { threshold: 0.5 });
      counted.forEach(function (section) { observer.observe(section); });
    }

    function clicked(event) {
      if (event.type === "auxclick" && event.button !== 1) { return; }
      var link = event.target.closest("a");
      var card = link && link.closest("li.card");
      var section = card && card.closest("section.carousel");
      if (!section || counted.indexOf(section) < 0) { return; }
      var seen = describe(section);
      var click = { type: "click", page: page, carousel: seen.carousel, model: cardModel(card), position: seen.cards.indexOf(card) };
      if (seen.picked) {
        click.credited = card.dataset.team;
        click.rankers = section.rankers;
        click.first = !decided;
        decided = true;
      }
      queueEvent(click, true);
    }
    document.addEventListener("click", clicked, true);
    document.addEventListener("auxclick", clicked, true);
    window.addEventListener("pagehide", sendEvents);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { sendEvents(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpComparison();
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
