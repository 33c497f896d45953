// Thumbnails whose link is missing or broken (Sketchfab's CDN links rotate) show the placeholder instead. Kept in a
// static file rather than inline handlers so the Content-Security-Policy needs no 'unsafe-inline'. Error events do
// not bubble, so the listener captures them on the way down.
document.addEventListener("error", function (event) {
  var image = event.target;
  if (image && image.tagName === "IMG" && image.dataset.fallback && image.src.indexOf(image.dataset.fallback) === -1) {
    image.src = image.dataset.fallback;
  }
}, true);
