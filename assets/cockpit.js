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
