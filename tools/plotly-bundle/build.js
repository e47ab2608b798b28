// Build the partial plotly.js bundle the cockpit serves instead of the full plotly.min.js
// (4.8 MB of script to parse on every fresh visit). Same esbuild settings as plotly.js's
// own esbuild-config.js; output to assets/vendor/plotly/ with a licence header.
// Usage (from this folder): npm ci && node build.js
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

// Trace types in the bundle (scatter comes with the core); the Python tests read this line.
const TRACES = ['scatter', 'bar', 'histogram', 'box', 'choropleth', 'scattergeo'];
const LOCAL_DEFAULTS = [
    ['dflt:"https://cdn.plot.ly/un/"', 'dflt:"/assets/vendor/topojson/"'],
    ['dflt:"https://cloud.plotly.com/newchart"', 'dflt:""'],
];
const VERSION = require('plotly.js/package.json').version;
const OUT = path.join(__dirname, '..', '..', 'assets', 'vendor', 'plotly', 'plotly-cockpit.min.js');

async function main() {
    const result = await esbuild.build({
        entryPoints: [path.join(__dirname, 'entry.js')],
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        legalComments: 'none',
        write: false,
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'warning',
    });
    const header = [
        '/*!',
        ` * plotly.js@${VERSION} partial bundle for the cockpit, built by tools/plotly-bundle/build.js`,
        ` * traces: ${TRACES.join(',')}`,
        ' * Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license (see LICENSE).',
        ' */',
        '',
    ].join('\n');
    let code = result.outputFiles[0].text;
    // The cockpit never contacts another host: the defaults that point at plotly's servers
    // become local (the base map) or empty (chart upload), even if a figure's config forgets.
    for (const [from, to] of LOCAL_DEFAULTS) {
        if (code.split(from).length !== 2) throw new Error(`expected ${from} once in the bundle`);
        code = code.replace(from, to);
    }
    fs.writeFileSync(OUT, header + code);
    console.log(`${OUT}: ${fs.statSync(OUT).size} bytes`);
}

main().catch((err) => { console.error(err); process.exit(1); });
