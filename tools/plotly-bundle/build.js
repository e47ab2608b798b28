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
// Work plotly.js does when its bundle is run, that the cockpit's figures never need:
// - the country-name index for locationmode "country names" (the cockpit's maps use
//   their own geometry) is built on first use instead of at load;
// - maplibre-gl's style sheet (83 KB of text) is only injected for map traces, which
//   are not in this bundle.
const LAZY_COUNTRY_LOOKUP = [
    'const { lookupAlpha3 } = createLookup([...COUNTRIES, ...COUNTRIES_X]);',
    'let countryLookup;\n' +
    'function lookupAlpha3(name) {\n' +
    '    countryLookup = countryLookup || createLookup([...COUNTRIES, ...COUNTRIES_X]);\n' +
    '    return countryLookup.lookupAlpha3(name);\n' +
    '}',
];
const trimLoadWork = {
    name: 'cockpit-trim-load-work',
    setup(build) {
        build.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ },
            (args) => ({ path: args.path, namespace: 'cockpit-empty' }));
        build.onLoad({ filter: /.*/, namespace: 'cockpit-empty' }, () => ({ contents: '', loader: 'js' }));
        build.onLoad({ filter: /plotly\.js[\\/]src[\\/]lib[\\/]geo_location_utils\.js$/ }, (args) => {
            const source = fs.readFileSync(args.path, 'utf8');
            const [from, to] = LAZY_COUNTRY_LOOKUP;
            if (source.split(from).length !== 2) throw new Error(`expected ${from} once in ${args.path}`);
            return { contents: source.replace(from, to), loader: 'js', resolveDir: path.dirname(args.path) };
        });
    },
};
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
        plugins: [trimLoadWork, InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
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
