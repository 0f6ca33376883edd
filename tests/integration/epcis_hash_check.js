#!/usr/bin/env node
// Recomputes every eventID of an EPCIS 2.0 JSON document with GS1's epcis2.js
// (eventToHashedId, vendored in tests/vendor/epcis2-hash.js by scripts/vendor-epcis-hash.sh):
// an implementation of the CBV 2.0 section 8.9 event hash that shares no code with ours.
// Exit 0 when every event's eventID equals epcis2.js's; 1 with each difference otherwise.
// Usage: node epcis_hash_check.js DOCUMENT.json
//
// epcis2.js departs from the 2023 text in a few places (chain/export/epcis_hash.cc names
// them). Before calling it, this check rewrites an event into an equivalent form on which
// epcis2.js and the text agree, and says so; an event it cannot rewrite is reported as not
// checked (never as passing), and the run fails if none is left to check.
'use strict';
const fs = require('fs');
const path = require('path');
const { eventToHashedId, eventToPreHashedString } = require(
  path.join(__dirname, '..', 'vendor', 'epcis2-hash.js'));

const kGs1Voc = 'https://gs1.org/voc/';

// epcis2.js takes any text that JavaScript's Date.parse accepts, longer than 17 characters,
// for a timestamp and rewrites it in UTC (V8 reads "urn:agritrace:bt:INV-9" as 2001-09-01);
// the text normalises timestamps only. Its isADate is Date.parse, so the check limits
// Date.parse to xsd:dateTime forms.
const kXsdDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const lenientDateParse = Date.parse;
Date.parse = (text) => (kXsdDateTime.test(String(text)) ? lenientDateParse(text) : NaN);

function contextPrefixes(context) {
  const prefixes = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (entry && typeof entry === 'object') Object.assign(prefixes, entry);
  }
  return prefixes;
}

// Walks every value under `node`, calling visit(value, key, parent).
function walk(node, visit, key = null, parent = null) {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, visit, key, node));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) walk(v, visit, k, node);
  } else visit(node, key, parent);
}

function unwrapSingleObjectLists(node, notes) {
  if (Array.isArray(node)) return node.forEach((item) => unwrapSingleObjectLists(item, notes));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const single = Array.isArray(value) && value.length === 1 && value[0] &&
      typeof value[0] === 'object' && !Array.isArray(value[0]);
    if (key.includes(':') && single) {
      node[key] = value[0];
      notes.push(`one-entry list ${key} written as its entry`);
    }
    unwrapSingleObjectLists(node[key], notes);
  }
}

// Returns { event, notes } for epcis2.js, or { skip } when no equivalent form exists.
function forEpcis2(original, prefixes) {
  const event = JSON.parse(JSON.stringify(original));
  const notes = [];
  // The text writes each certificationInfo entry at its place; epcis2.js writes a list's
  // name there and its entries among the extensions. One entry is the same as the bare value.
  if (Array.isArray(event.certificationInfo)) {
    if (event.certificationInfo.length !== 1) {
      return { skip: 'certificationInfo lists more than one URI (epcis2.js writes them apart)' };
    }
    event.certificationInfo = event.certificationInfo[0];
    notes.push('certificationInfo [x] written as x');
  }
  // The text expands a bare alert type to its GS1 web vocabulary term,
  // gs1:SensorAlertType-...; epcis2.js drops "SensorAlertType-". Give it the full URI.
  for (const element of event.sensorElementList || []) {
    for (const report of element.sensorReport || []) {
      if (typeof report.exception === 'string' && !report.exception.includes(':')) {
        report.exception = `${kGs1Voc}SensorAlertType-${report.exception}`;
        notes.push('bare sensorReport exception expanded');
      }
    }
  }
  // epcis2.js takes a one-entry list of objects in an extension for an object (in JavaScript
  // [{...}].toString() is "[object Object]") and writes its index as a key ("...List0...").
  // In JSON-LD a one-entry list is that entry, which epcis2.js writes as the text does.
  unwrapSingleObjectLists(event, notes);
  let skip = null;
  walk(event, (value, key, parent) => {
    if (typeof value !== 'string') return;
    // The text expands compact IRIs in values; epcis2.js only in keys.
    const colon = value.indexOf(':');
    if (colon > 0 && Object.prototype.hasOwnProperty.call(prefixes, value.slice(0, colon))) {
      const expanded = prefixes[value.slice(0, colon)] + value.slice(colon + 1);
      if (Array.isArray(parent)) parent[parent.indexOf(value)] = expanded;
      else parent[key] = expanded;
      notes.push(`compact IRI ${value} expanded`);
    }
    // epcis2.js strips the leading zeros of an all-digit string; the text keeps them.
    if (/^0[\d.]+$/.test(value.trim()) && value.trim().length > 2) {
      skip = `the value "${value}" has leading zeros (epcis2.js strips them)`;
    }
    // Beyond milliseconds the text rounds half up; epcis2.js truncates.
    if (/T\d\d:\d\d:\d\d\.\d{4,}/.test(value)) {
      skip = `the time ${value} has more than millisecond precision`;
    }
  });
  return skip ? { skip } : { event, notes };
}

function main(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const context = doc['@context'];
  const prefixes = contextPrefixes(context);
  const events = (doc.epcisBody && doc.epcisBody.eventList) || [];
  let checked = 0;
  let failed = 0;
  events.forEach((original, i) => {
    const label = `event ${i} (${original.type} ${original.bizStep || ''})`;
    if (typeof original.eventID !== 'string') {
      console.log(`FAIL ${label}: no eventID`);
      failed += 1;
      return;
    }
    const { event, notes, skip } = forEpcis2(original, prefixes);
    if (skip) {
      console.log(`not checked ${label}: ${skip}`);
      return;
    }
    const expected = eventToHashedId(JSON.parse(JSON.stringify(event)), context);
    checked += 1;
    const why = notes.length ? ` [${[...new Set(notes)].join('; ')}]` : '';
    if (expected === original.eventID) {
      console.log(`ok ${label}: ${expected}${why}`);
      return;
    }
    failed += 1;
    console.log(`FAIL ${label}: eventID ${original.eventID}, epcis2.js ${expected}${why}`);
    console.log(`  epcis2.js pre-hash: ${eventToPreHashedString(event, context)}`);
  });
  console.log(`${checked} of ${events.length} eventIDs recomputed by epcis2.js, ${failed} differ`);
  return failed === 0 && checked > 0 ? 0 : 1;
}

if (process.argv.length !== 3) {
  console.error('usage: node epcis_hash_check.js DOCUMENT.json');
  process.exit(2);
}
process.exit(main(process.argv[2]));
