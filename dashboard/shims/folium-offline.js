/*
 * Loaded right after our local leaflet.js by every map from geo/maps_offline.py
 * (copied to dashboard/static/vendor/ by `python -m dashboard.assets`).
 *
 * 1. Marker icons. Leaflet 1.9.3 finds its default icon folder from the
 *    leaflet.css it sees; when the map script runs before the stylesheet has
 *    applied (streamlit-folium adds <link> tags without waiting) it falls back
 *    to "<leaflet.css folder>" + "marker-icon.png" without "images/" (Leaflet
 *    issue #4968). We set the folder from this file's own URL instead.
 * 2. Focus without scrolling. On the first mousedown in a map Leaflet (1.9 and 2.0)
 *    focuses the map container for its keyboard handler, then scrolls its own window
 *    back. In an iframe the focus also scrolls the parent page (Streamlit's main
 *    column) until the whole frame is in view, between mousedown and mouseup, so the
 *    click lands beside the dot pressed (Leaflet issues #1605, #5392). Focus with
 *    preventScroll instead: the keyboard handler gets its focus, no page moves.
 * 3. `$`. folium.Popup renders `$(`<div>...</div>`)[0]` and Map(keep_in_front)
 *    `$(document).ready(fn)`: the only jQuery folium 0.19-0.20 templates use.
 *    This stands in for jquery-3.7.1 from code.jquery.com; a real jQuery, if
 *    one is loaded first, wins.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (window.L && L.Icon && L.Icon.Default && script && script.src) {
    L.Icon.Default.imagePath = new URL("images/", script.src).href;
  }

  var keyboard = window.L && L.Map && L.Map.Keyboard && L.Map.Keyboard.prototype;
  if (keyboard && keyboard._onMouseDown) {
    keyboard._onMouseDown = function () {
      if (!this._focused) {
        this._map._container.focus({preventScroll: true});
      }
    };
  }

  if (window.jQuery || window.$) {
    return;
  }
  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }
  function toArray(list) {
    return Array.prototype.slice.call(list);
  }
  function shim(arg) {
    var found = [];
    if (typeof arg === "function") {
      onReady(arg);
    } else if (typeof arg === "string" && arg.trim().charAt(0) === "<") {
      var template = document.createElement("template");
      template.innerHTML = arg.trim();
      found = toArray(template.content.children);
    } else if (typeof arg === "string") {
      found = toArray(document.querySelectorAll(arg));
    } else if (arg) {
      found = [arg];
    }
    found.ready = function (fn) {
      onReady(fn);
      return found;
    };
    return found;
  }
  window.$ = shim;
})();
