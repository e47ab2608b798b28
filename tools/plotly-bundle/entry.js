'use strict';
// plotly.js core (scatter, cartesian axes, shapes, annotations, locales) plus only the
// trace types the cockpit's figures use. Adding a trace type to cockpit/app/figures.py
// means adding it here and to TRACES in build.js, then rebuilding (see README.md).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);

module.exports = Plotly;
