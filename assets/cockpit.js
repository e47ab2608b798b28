/* Keep the page state in the address bar without reloading, so a copied URL
   reproduces the view (permalinks for meetings). replaceState fires no
   popstate event, so Dash's router does not re-render the page. */
window.cockpitSetQuery = function (params) {
  var url = new URL(window.location.href);
  Object.keys(params).forEach(function (key) {
    var value = params[key];
    var empty = value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0) || value === false;
    if (empty) {
      url.searchParams.delete(key);
    } else {
      url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
  });
  window.history.replaceState(window.history.state, "", url.toString());
  return window.dash_clientside.no_update;
};

/* Number formatting for dash-ag-grid cells: German "1.234,5" (or English),
   "·" for cells kept secret, "–" for missing values, optional explicit sign. */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
/* One formatter per locale and number of decimals: making an Intl.NumberFormat costs far
   more than using one, and the first drawing of the grid formats every cell. */
var cockpitFormatters = {};
function cockpitFormatter(locale, decimals) {
  var key = locale + "|" + decimals;
  if (!cockpitFormatters[key]) {
    cockpitFormatters[key] = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals,
    });
  }
  return cockpitFormatters[key];
}
dagfuncs.cockpitNumber = function (params, decimals, locale, signed) {
  if (params.value === null || params.value === undefined || Number.isNaN(params.value)) {
    return params.data && params.data.suppressed ? "\u00b7" : "\u2013";
  }
  var text = cockpitFormatter(locale, decimals).format(Math.abs(params.value));
  if (params.value < 0) {
    return "\u2212" + text;
  }
  return signed && params.value > 0 ? "+" + text : text;
};

/* The comparison grid's highlighted area lives here, not in every row: a click
   redraws the rows (rowClassRules calls cockpitIsHighlighted) instead of
   sending the whole table again. */
window.cockpitHighlighted = null;
dagfuncs.cockpitIsHighlighted = function (params) {
  return Boolean(params.data && window.cockpitHighlighted !== null &&
                 params.data.area_code === window.cockpitHighlighted);
};

function cockpitWithGrid(gridId, action) {
  var grids = window.dash_ag_grid;
  if (!grids || !grids.getApiAsync) {
    return;
  }
  grids.getApiAsync(gridId).then(action).catch(function () { /* grid not on this page */ });
}

window.cockpitGridHighlight = function (gridId, area) {
  window.cockpitHighlighted = area || null;
  cockpitWithGrid(gridId, function (api) { api.redrawRows(); });
  return window.dash_clientside.no_update;
};

/* Infinite row model (very large territories): drop the cached blocks so the
   grid asks the server again for the new indicator, period or level. */
window.cockpitGridRefresh = function (gridId) {
  cockpitWithGrid(gridId, function (api) {
    if (api.getGridOption("rowModelType") === "infinite") {
      api.purgeInfiniteCache();
      api.ensureIndexVisible(0, "top");
    }
  });
  return window.dash_clientside.no_update;
};

/* dcc.Dropdown's own texts ("2 selected", "Search", "No options found") in the page's
   language: <html lang> is set by the server (cockpit/app/dash_app.py). A dropdown
   given its own `labels` keeps them. */
(function () {
  var texts = {
    de: {
      select_all: "Alle auswählen", deselect_all: "Auswahl aufheben",
      selected_count: "{num_selected} ausgewählt", search: "Suchen",
      clear_search: "Suche löschen", clear_selection: "Auswahl löschen",
      no_options_found: "Keine Treffer",
    },
  };
  var lang = (document.documentElement.lang || "de").slice(0, 2);
  if (!texts[lang]) {
    return;
  }
  function patch(dcc) {
    if (dcc && dcc.Dropdown) {
      dcc.Dropdown.defaultProps = Object.assign({}, dcc.Dropdown.defaultProps,
                                                {labels: texts[lang]});
    }
  }
  if (window.dash_core_components) {
    patch(window.dash_core_components);
    return;
  }
  // The component bundle may load after this script: patch it as it arrives.
  var kept;
  Object.defineProperty(window, "dash_core_components", {
    configurable: true,
    get: function () { return kept; },
    set: function (value) { kept = value; patch(value); },
  });
})();

/* Sitzungsmodus: the arrow keys (and PageUp/PageDown, which presenter remotes send) page
   through the views, unless the focus is in a field or an open dropdown. */
document.addEventListener("keydown", function (event) {
  if (!document.querySelector(".meeting-mode") || event.altKey || event.ctrlKey ||
      event.metaKey) {
    return;
  }
  var target = event.target;
  if (target && (target.closest("input, textarea, select, [role=listbox], .dash-dropdown") ||
                 target.isContentEditable)) {
    return;
  }
  var forward = event.key === "ArrowRight" || event.key === "PageDown";
  var back = event.key === "ArrowLeft" || event.key === "PageUp";
  var button = document.getElementById(forward ? "meeting-next" : back ? "meeting-prev" : "");
  if (button) {
    event.preventDefault();
    button.click();
  }
});
