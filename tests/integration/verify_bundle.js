// node verify_bundle.js WEB_DIR PAGE.html BUNDLE.json: runs the product page's verifier
// (web/verify.js, with web/vendor/noble.js) on a proof bundle, as a browser would, without one.
const fs = require('fs');
const [webDir, pagePath, bundlePath] = process.argv.slice(2);
global.window = globalThis;
eval(fs.readFileSync(webDir + '/vendor/noble.js', 'utf8'));
eval(fs.readFileSync(webDir + '/verify.js', 'utf8'));
const page = fs.readFileSync(pagePath, 'utf8');
const m = page.match(/<script[^>]*id="agritrace-config"[^>]*>([\s\S]*?)<\/script>/);
const config = JSON.parse(m[1]);
// As web/app.js calls it.
const out = window.AgriVerify.verifyBundle(JSON.parse(fs.readFileSync(bundlePath, 'utf8')),
  { chain_id: config.chain_id, genesis_hash: config.genesis_hash,
    validators: config.validators, genesis_plots: config.genesis_plots || [] });
const problems = out.records.filter((r) => r.problems.length).map((r) => r.type + ': ' + r.problems.join('; '));
console.log(JSON.stringify({ ok: out.ok, failures: out.failures, problems, records: out.records.length }));
process.exit(out.ok && problems.length === 0 ? 0 : 1);
