// Writes cockpit/app/locale/ag-grid-de.json: AG Grid's own German texts (npm package
// @ag-grid-community/locale, same major version as dash-ag-grid's AG Grid), limited to
// the keys the community grid asks for (found in dash-ag-grid's bundles) plus the
// filter, sort, pagination and aria texts. Usage, in an empty scratch folder:
//   npm pack @ag-grid-community/locale@35 && tar xzf ag-grid-community-locale-*.tgz
//   node REPO/tools/ag-grid-locale/extract.js package REPO/.venv/lib/python3.11/site-packages/dash_ag_grid REPO
const fs = require("fs");
const path = require("path");
const [pkg, dagDir, repo] = process.argv.slice(2);
const locale = require(path.resolve(pkg, "dist/package/main.cjs.js"));
const de = locale.AG_GRID_LOCALE_DE;
const bundles = ["dash_ag_grid.min.js", "async-community.js"]
  .map((name) => fs.readFileSync(path.join(dagDir, name), "utf8")).join("\n");
const asked = new Set();
const call = /\(\s*"([A-Za-z0-9]+)"\s*,\s*["`]/g;
let match;
while ((match = call.exec(bundles))) asked.add(match[1]);
const families = /^(aria|sort|pin|autosize|filter|page|loading|noRows|noMatching|select|apply|reset|clear|cancel)|Filter$|^(equals|notEqual|blank|notBlank|empty|lessThan|greaterThan|lessThanOrEqual|greaterThanOrEqual|inRange|inRangeStart|inRangeEnd|contains|notContains|startsWith|endsWith|andCondition|orCondition|searchOoo|blanks|noMatches|dateFormatOoo|before|after|columns|filters|resetColumns|noPin|copy|copyWithHeaders|export|csvExport|more|to|of|nextPage|lastPage|firstPage|previousPage|thousandSeparator|decimalSeparator|true|false)$/;
const subset = {};
for (const key of Object.keys(de).sort()) {
  if (asked.has(key) || families.test(key)) subset[key] = de[key];
}
const out = path.join(repo, "cockpit/app/locale/ag-grid-de.json");
fs.writeFileSync(out, JSON.stringify({
  _source: `@ag-grid-community/locale ${require(path.resolve(pkg, "package.json")).version} (MIT), AG_GRID_LOCALE_DE, subset`,
  texts: subset,
}, null, 1) + "\n");
console.log(`${Object.keys(subset).length} keys -> ${out}`);
