// AgriTrace proof bundle verification, in the browser. Mirrors chain/bundle/verify.cc:
// every BIP-340 record signature, every Merkle inclusion proof against its block's records
// root, every block's commit certificate against the validator set of its height (genesis's,
// walked forward through the bundle's validator-set changes), and the
// custody story. The record bodies are decoded here from the signed bytes (never from the
// node's convenience fields), so what the page shows is what was signed.
// Defines window.AgriVerify. Needs window.AgriNoble (vendor/noble.js).
(function () {
  'use strict';
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // --- bytes
  function unhex(s) {
    if (typeof s !== 'string' || s.length % 2 || /[^0-9a-fA-F]/.test(s)) throw new Error('not hex');
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }
  function hex(b) { return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''); }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const sha256 = (b) => window.AgriNoble.sha256(b);
  const tagHashes = {};
  function taggedHash(tag, msg) {
    const t = tagHashes[tag] || (tagHashes[tag] = sha256(enc.encode(tag)));
    return sha256(concat(t, t, msg));
  }
  function schnorr(sig, msg, pub) {
    try { return sig.length === 64 && pub.length === 32 && window.AgriNoble.schnorrVerify(sig, msg, pub); }
    catch (e) { return false; }
  }

  // --- protobuf wire format (just enough to read our messages)
  function varint(b, p) {
    let r = 0n, s = 0n;
    for (;;) {
      if (p >= b.length) throw new Error('truncated varint');
      const c = b[p++];
      r |= BigInt(c & 0x7f) << s;
      if (!(c & 0x80)) return [r, p];
      s += 7n;
      if (s > 63n) throw new Error('varint too long');
    }
  }
  function decode(b) {
    const f = {};
    let p = 0;
    while (p < b.length) {
      let key, v;
      [key, p] = varint(b, p);
      const num = Number(key >> 3n), wt = Number(key & 7n);
      if (wt === 0) { [v, p] = varint(b, p); }
      else if (wt === 2) {
        let len;
        [len, p] = varint(b, p);
        if (p + Number(len) > b.length) throw new Error('truncated field');
        v = b.subarray(p, p + Number(len)); p += Number(len);
      } else if (wt === 1) { v = b.subarray(p, p + 8); p += 8; }
      else if (wt === 5) { v = b.subarray(p, p + 4); p += 4; }
      else throw new Error('bad wire type');
      (f[num] = f[num] || []).push(v);
    }
    return f;
  }
  const last = (f, n) => (f[n] ? f[n][f[n].length - 1] : undefined);
  const str = (f, n) => (last(f, n) ? dec.decode(last(f, n)) : '');
  const bytes = (f, n) => last(f, n) || new Uint8Array();
  const u64 = (f, n) => (last(f, n) !== undefined ? last(f, n) : 0n);
  const i64 = (f, n) => Number(BigInt.asIntN(64, u64(f, n)));
  const num = (f, n) => Number(u64(f, n));
  const sint = (f, n) => { const v = last(f, n); return v === undefined ? undefined : Number((v >> 1n) ^ -(v & 1n)); };
  const msg = (f, n) => (last(f, n) ? decode(last(f, n)) : null);
  const msgs = (f, n) => (f[n] || []).map(decode);

  // --- our messages
  const lotKey = (m) => (m ? '01/' + str(m, 1) + '/10/' + str(m, 2) : '');
  // A lot, or a pallet ("00/{sscc}") when the event names an SSCC in field `n`.
  const unitKey = (m, lotField, ssccField) => (str(m, ssccField) ? '00/' + str(m, ssccField) : lotKey(msg(m, lotField)));
  // A quantity as {milli, unit}, or null.
  const amount = (m) => (m ? { milli: i64(m, 1), unit: str(m, 2) } : null);
  const DOCS = ['', 'po', 'bol', 'inv', 'desadv', 'other'];
  const refs = (m, n) => msgs(m, n).map((d) => ({ type: DOCS[num(d, 1)] || 'other', id: str(d, 2) }));
  const LOSS = ['', 'spoilage', 'damage', 'shrinkage', 'sample', 'theft', 'destroyed', 'other'];
  const COOLING = ['', 'forced-air', 'hydrocooling', 'ice', 'vacuum', 'cold-storage'];
  function quantity(m) {
    if (!m) return '';
    const milli = i64(m, 1);
    const whole = Math.trunc(milli / 1000), frac = Math.abs(milli % 1000);
    return whole + (frac ? '.' + String(frac).padStart(3, '0').replace(/0+$/, '') : '') + str(m, 2);
  }
  function location(m) {
    if (!m) return null;
    const lat = sint(m, 2), lon = sint(m, 3);
    return { gln: str(m, 1), name: str(m, 4), lat: lat === undefined ? null : lat / 1e6, lon: lon === undefined ? null : lon / 1e6 };
  }
  function range(m) {
    if (!m) return null;
    return { minT: sint(m, 1), maxT: sint(m, 2), minH: sint(m, 3), maxH: sint(m, 4) };
  }
  function reading(m) {
    const t = sint(m, 2), h = sint(m, 3);
    return { time_ms: i64(m, 1), temperature: t === undefined ? null : t / 1000, humidity: h === undefined ? null : h / 1000, location: location(msg(m, 4)) };
  }
  const EVENTS = {
    10: ['register_participant', (m) => ({ pubkey: hex(bytes(m, 1)), name: str(m, 2), organization: str(m, 4) })],
    11: ['harvest', (m) => ({ lot: lotKey(msg(m, 1)), commodity: str(m, 2), variety: str(m, 3), quantity: quantity(msg(m, 4)), amount: amount(msg(m, 4)), refs: refs(m, 10),
      net_mass_per_unit: quantity(msg(m, 5)), harvest_time_ms: i64(m, 6), field: str(m, 7), location: location(msg(m, 8)), range: range(msg(m, 9)),
      plot: str(m, 60), waive_claims: num(m, 61) === 1, net_mass: amount(msg(m, 5)) })],
    12: ['transform', (m) => ({ kind: num(m, 1) === 1 ? 'pack' : 'transform', refs: refs(m, 4),
      inputs: msgs(m, 2).map((a) => ({ lot: lotKey(msg(a, 1)), quantity: quantity(msg(a, 2)), amount: amount(msg(a, 2)) })),
      outputs: msgs(m, 3).map((o) => ({ lot: lotKey(msg(o, 1)), quantity: quantity(msg(o, 2)), amount: amount(msg(o, 2)), net_mass_per_unit: quantity(msg(o, 3)), net_mass: amount(msg(o, 3)),
        commodity: str(o, 4), variety: str(o, 5), range: range(msg(o, 6)) })) })],
    13: ['ship', (m) => ({ lot: unitKey(m, 1, 6), sscc: str(m, 6), receiver: hex(bytes(m, 2)), carrier: hex(bytes(m, 3)),
      quantity: quantity(msg(m, 4)), amount: amount(msg(m, 4)), refs: refs(m, 5) })],
    14: ['receive', (m) => ({ lot: unitKey(m, 1, 7), sscc: str(m, 7), shipment: hex(bytes(m, 2)), accept: quantity(msg(m, 3)),
      reject: quantity(msg(m, 4)), accept_amount: amount(msg(m, 3)), reject_amount: amount(msg(m, 4)), reject_reason: str(m, 5), refs: refs(m, 6) })],
    15: ['register_device', (m) => ({ pubkey: hex(bytes(m, 1)), name: str(m, 2) })],
    16: ['sensor_readings', (m) => ({ lot: lotKey(msg(m, 1)), readings: msgs(m, 2).map(reading) })],
    17: ['checkpoint', (m) => ({ lot: lotKey(msg(m, 1)), location: location(msg(m, 2)), time_ms: i64(m, 3),
      step: ['storing', 'departing', 'arriving', 'storing'][num(m, 4)] || 'storing', readings: msgs(m, 5).map(reading) })],
    18: ['certify', (m) => ({ lot: lotKey(msg(m, 1)), standard: str(m, 2), outcome: ['unspecified', 'pass', 'fail'][num(m, 3)] || 'unspecified',
      valid_from_ms: i64(m, 4), valid_until_ms: i64(m, 5), document_sha256: hex(bytes(m, 6)), certificate_id: str(m, 7),
      plot_id: str(m, 60), farmer: hex(bytes(m, 61)), organization: str(m, 62), claim: str(m, 63), tonnage: amount(msg(m, 64)) })],
    19: ['recall', (m) => ({ lot: lotKey(msg(m, 1)), reason: str(m, 2) })],
    20: ['sell', (m) => ({ lot: lotKey(msg(m, 1)), quantity: quantity(msg(m, 2)), amount: amount(msg(m, 2)), refs: refs(m, 3) })],
    21: ['revoke', (m) => ({ pubkey: hex(bytes(m, 1)), reason: str(m, 2) })],
    23: ['rotate_key', (m) => ({ old_pubkey: hex(bytes(m, 1)), new_pubkey: hex(bytes(m, 2)), reason: str(m, 3) })],
    24: ['cancel_shipment', (m) => ({ lot: unitKey(m, 1, 3), sscc: str(m, 3), shipment: hex(bytes(m, 2)) })],
    25: ['loss', (m) => ({ lot: lotKey(msg(m, 1)), quantity: quantity(msg(m, 2)), amount: amount(msg(m, 2)), reason: LOSS[num(m, 3)] || 'other', note: str(m, 4) })],
    26: ['aggregate', (m) => ({ lot: '00/' + str(m, 1), sscc: str(m, 1),
      contents: msgs(m, 2).map((a) => ({ lot: lotKey(msg(a, 1)), quantity: quantity(msg(a, 2)), amount: amount(msg(a, 2)) })) })],
    27: ['disaggregate', (m) => ({ lot: '00/' + str(m, 1), sscc: str(m, 1) })],
    28: ['update_participant', (m) => ({ pubkey: hex(bytes(m, 1)) })],
    29: ['cool', (m) => ({ lot: lotKey(msg(m, 1)), method: COOLING[num(m, 2)] || 'unspecified', location: location(msg(m, 3)) })],
    // Origin (records.proto 30-35).
    30: ['register_plot', (m) => ({ plot: str(m, 1), owner: hex(bytes(m, 2)), crop: str(m, 4), location: location(msg(m, 8)),
      area: amount(msg(m, 3)), max_yield: amount(msg(m, 5)), max_yield_per: str(m, 6), season_start_month: num(m, 9), season_start_day: num(m, 10) })],
    31: ['transfer_plot', (m) => ({ plot: str(m, 1), new_owner: hex(bytes(m, 2)) })],
    32: ['retire_plot', (m) => ({ plot: str(m, 1), reason: str(m, 2) })],
    33: ['input_application', (m) => ({ plot: str(m, 1), product: str(m, 2), active_ingredient: str(m, 3), phi_days: num(m, 4) })],
    34: ['ban_ingredient', (m) => ({ crop: str(m, 1), active_ingredient: str(m, 2), reason: str(m, 3) })],
    35: ['compliance_cert', (m) => ({ lot: lotKey(msg(m, 1)),
      basis: ['unspecified', 'self-commitment', 'self-test', 'commissioned-test', 'internal-control'][num(m, 2)] || 'unspecified',
      test_report_sha256: hex(bytes(m, 3)) })],
  };
  // RecordBody: 1 chain_id, 2 timestamp_ms, 3 nonce, 4 event_time_ms, 5 event_tz_offset_min,
  // 6 attestation, 10.. the event (a oneof). `event_time_ms` is when it happened (the signing time if unset).
  function decodeBody(body) {
    const f = decode(body);
    const out = { chain_id: str(f, 1), time_ms: i64(f, 2), event_time_ms: i64(f, 4) || i64(f, 2),
      event_tz_offset_min: sint(f, 5) || 0, type: 'unknown', event: {} };
    for (const n of Object.keys(f).map(Number).filter((n) => n >= 10)) {
      const known = EVENTS[n];
      out.type = known ? known[0] : 'event_' + n;
      out.event = known ? known[1](decode(last(f, n))) : {};
    }
    if (last(f, 6)) {  // 6 attestation: the party that did the event, as the signer names it
      const party = decode(last(decode(last(f, 6)), 1) || new Uint8Array(0));
      out.attested = { uri: str(party, 1), name: str(party, 2) };
    }
    return out;
  }
  // BlockHeader; 9 validator_change (ValidatorSetChange: 1 proposal_id, 2 effective_height,
  // 3 validators: ValidatorInfo 1 name, 2 pubkey, 3 address, 4 organization), or null.
  function decodeHeader(b) {
    const f = decode(b);
    const change = msg(f, 9);
    return { chain_id: str(f, 1), height: num(f, 2), time_ms: i64(f, 4), records_root: bytes(f, 6), record_count: num(f, 7),
      validator_change: change && { proposal_id: hex(bytes(change, 1)), effective_height: num(change, 2),
        validators: msgs(change, 3).map((v) => ({ name: str(v, 1), pubkey: hex(bytes(v, 2)), address: str(v, 3), organization: str(v, 4) })) } };
  }

  // --- proofs
  function merkleVerify(id, index, leafCount, path, root) {
    if (index >= leafCount) return false;
    let fn = index, sn = leafCount - 1;
    let r = sha256(concat(Uint8Array.of(0), id));
    for (const sib of path) {
      if (sn === 0) return false;
      if ((fn & 1) || fn === sn) {
        r = sha256(concat(Uint8Array.of(1), sib, r));
        while (!(fn & 1) && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = sha256(concat(Uint8Array.of(1), r, sib));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }
  function voteHash(chainId, height, round, blockHash) {
    const id = enc.encode(chainId);
    const b = new Uint8Array(1 + id.length + 8 + 4 + 1 + 32);
    const v = new DataView(b.buffer);
    b[0] = id.length; b.set(id, 1);
    v.setBigUint64(1 + id.length, BigInt(height));
    v.setUint32(9 + id.length, round);
    b[13 + id.length] = 2;  // precommit
    b.set(blockHash, 14 + id.length);
    return taggedHash('agritrace/vote/v1', b);
  }
  // null when the certificate holds, else why not.
  function certificateProblem(cert, chainId, height, blockHash, validators) {
    if (!cert || Number(cert.height) !== height) return 'the certificate is for another height';
    if (cert.block_hash !== hex(blockHash)) return 'the certificate is for another block';
    const message = voteHash(chainId, height, Number(cert.round) || 0, blockHash);
    const seen = new Set();
    for (const s of cert.signatures || []) {
      if (!validators.includes(s.validator)) return 'signed by ' + String(s.validator).slice(0, 16) + '…, not a validator of this chain';
      if (seen.has(s.validator)) return 'validator ' + s.validator.slice(0, 16) + '… is counted twice';
      if (!schnorr(unhex(s.signature), message, unhex(s.validator))) return 'the signature of validator ' + s.validator.slice(0, 16) + '… does not match';
      seen.add(s.validator);
    }
    const quorum = Math.floor(validators.length * 2 / 3) + 1;
    return seen.size >= quorum ? null : 'only ' + seen.size + ' of the ' + quorum + ' signatures a quorum needs';
  }

  // --- Validator sets (chain/model/validator_set.h, chain/bundle/verify.cc): genesis's from
  // height 1, then each change of bundle.validator_changes, certified by the set in force at its
  // height and in force from VALIDATOR_CHANGE_DELAY heights later.
  const VALIDATOR_CHANGE_DELAY = 2;  // kValidatorChangeDelay
  const MAX_VALIDATORS = 100;        // kMaxValidators
  const MAX_BUNDLE_VALIDATOR_CHANGES = 1024;  // kMaxBundleValidatorChanges
  function epochAt(epochs, height) {
    let at = epochs[0];
    for (const e of epochs) if (e.from_height <= height) at = e;
    return at;
  }
  const keysAt = (epochs, height) => epochAt(epochs, height).validators.map((v) => v.pubkey);
  // "; v0's key 1a2b…… left the validator set at height 7" for each signer that was a validator
  // before `height` but is not at it (removed, or an old key after a rotation).
  function formerValidators(cert, height, epochs) {
    let out = '';
    for (const s of (cert && cert.signatures) || []) {
      if (keysAt(epochs, height).includes(s.validator)) continue;
      for (let e = epochs.length - 1; e >= 0; e--) {
        if (epochs[e].from_height > height) continue;
        const v = epochs[e].validators.find((x) => x.pubkey === s.validator);
        if (!v) continue;
        if (e + 1 < epochs.length) out += '; ' + v.name + '\'s key ' + s.validator.slice(0, 16) + '... left the validator set at height ' + epochs[e + 1].from_height;
        break;
      }
    }
    return out;
  }
  // null when `change`, decided in block `height`, may follow the last epoch; else why not
  // (ValidatorSchedule::Add).
  function changeProblem(change, height, epochs) {
    const where = 'the validator-set change in block ' + height;
    if (change.effective_height <= epochs[epochs.length - 1].from_height) return where + ' is not after the change in force from height ' + epochs[epochs.length - 1].from_height;
    const n = change.validators.length;
    if (n === 0 || n > MAX_VALIDATORS) return where + ' names ' + n + ' validators (1 to ' + MAX_VALIDATORS + ' allowed)';
    for (let i = 0; i < n; i++) {
      const v = change.validators[i];
      if (v.pubkey.length !== 64 || !isXOnlyKey(unhex(v.pubkey))) return where + ': validator ' + i + ' has no valid node key';
      for (let j = 0; j < i; j++) {
        if (change.validators[j].pubkey === v.pubkey || change.validators[j].name === v.name) return where + ' names validator ' + v.name + ' twice';
      }
    }
    return null;
  }
  function checkValidatorChanges(bundle, config, out) {
    const epochs = [{ from_height: 1, decided_height: 0,
      validators: config.validators.map((v) => (typeof v === 'string' ? { name: '', pubkey: v } : { name: v.name || '', pubkey: v.pubkey })) }];
    const listed = new Map();  // height -> { header (hex), accepted }
    const changes = bundle.validator_changes || [];
    if (changes.length > MAX_BUNDLE_VALIDATOR_CHANGES) {
      out.failures.push('the bundle carries ' + changes.length + ' validator-set changes; at most ' + MAX_BUNDLE_VALIDATOR_CHANGES + ' are read');
      return { epochs, listed };
    }
    let lastHeight = 0;
    changes.forEach((b, i) => {
      let header, h;
      try { header = unhex(b.header); h = decodeHeader(header); } catch (e) { h = null; }
      if (!h || h.height === 0) { out.failures.push('validator-set change #' + i + ': the header is not a valid block header'); return; }
      const label = 'validator-set change in block ' + h.height;
      if (h.height <= lastHeight) { out.failures.push(label + (h.height === lastHeight ? ': listed twice' : ': not in ascending height order')); return; }
      lastHeight = h.height;
      const entry = { header: String(b.header).toLowerCase(), accepted: false };
      listed.set(h.height, entry);
      if (h.chain_id !== config.chain_id) { out.failures.push(label + ': the header is for chain "' + h.chain_id + '"'); return; }
      const change = h.validator_change;
      if (!change) { out.failures.push(label + ': the header carries no validator-set change'); return; }
      const problem = certificateProblem(b.certificate, config.chain_id, h.height, taggedHash('agritrace/block/v1', header), keysAt(epochs, h.height));
      if (problem) { out.failures.push(label + ': certificate: ' + problem + formerValidators(b.certificate, h.height, epochs)); return; }
      if (change.effective_height !== h.height + VALIDATOR_CHANGE_DELAY) {
        out.failures.push(label + ': it takes effect at height ' + change.effective_height + ', not ' + (h.height + VALIDATOR_CHANGE_DELAY) +
          ' (its height + ' + VALIDATOR_CHANGE_DELAY + ')');
        return;
      }
      const bad = changeProblem(change, h.height, epochs);
      if (bad) { out.failures.push(label + ': ' + bad); return; }
      epochs.push({ from_height: change.effective_height, decided_height: h.height, validators: change.validators });
      entry.accepted = true;
    });
    return { epochs, listed };
  }

  function checkBlocks(bundle, config, out, sets) {
    const blocks = new Map();
    for (const b of bundle.blocks || []) {
      let header;
      try { header = unhex(b.header); } catch (e) { out.failures.push('a block header is not hex'); continue; }
      let h;
      try { h = decodeHeader(header); } catch (e) { out.failures.push('a block header does not decode'); continue; }
      let problem = null, named = false;
      if (h.chain_id !== config.chain_id) problem = 'the header is for chain "' + h.chain_id + '"';
      else if (h.validator_change && !sets.listed.has(h.height)) problem = 'it decides a validator-set change that the bundle\'s validator_changes leave out';
      else if (h.validator_change && sets.listed.get(h.height).header !== String(b.header).toLowerCase()) problem = 'its header differs from the validator-set change the bundle lists for it';
      else if (h.validator_change && !sets.listed.get(h.height).accepted) { problem = 'its validator-set change does not verify'; named = true; }
      else {
        problem = certificateProblem(b.certificate, config.chain_id, h.height, taggedHash('agritrace/block/v1', header), keysAt(sets.epochs, h.height));
        if (problem) problem = 'certificate: ' + problem + formerValidators(b.certificate, h.height, sets.epochs);
      }
      if (problem && !named) out.failures.push('block ' + h.height + ': ' + problem);
      blocks.set(h.height, { header: h, ok: !problem });
    }
    return blocks;
  }

  // Attested records (RecordBody.attestation, field 6; chain/model/attestation.cc): the party
  // that did the event acts through its shadow key, the first x-only key among
  // TaggedHash("agritrace/attested-party/v1", attester || n || uri), n = 0, 1, ...
  const FIELD_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
  function modpow(b, e, m) {
    let r = 1n;
    for (b %= m; e > 0n; e >>= 1n) { if (e & 1n) r = r * b % m; b = b * b % m; }
    return r;
  }
  function isXOnlyKey(bytes) {
    const x = BigInt('0x' + hex(bytes));
    if (x >= FIELD_P) return false;
    const y2 = (x * x % FIELD_P * x + 7n) % FIELD_P;
    return modpow(y2, (FIELD_P - 1n) / 2n, FIELD_P) === 1n;
  }
  function actingKey(body, signer) {
    const attestation = last(decode(body), 6);
    if (!attestation) return hex(signer);
    const party = last(decode(attestation), 1);
    const uri = (party && last(decode(party), 1)) || new Uint8Array(0);
    for (let n = 0; n < 256; n++) {
      const key = taggedHash('agritrace/attested-party/v1', concat(signer, Uint8Array.of(n), uri));
      if (isXOnlyKey(key)) return hex(key);
    }
    return hex(signer);
  }

  function checkRecord(r, blocks, config) {
    const problems = [];
    const body = unhex(r.envelope.body), signer = unhex(r.envelope.signer), signature = unhex(r.envelope.signature);
    const rec = { problems, signer: r.envelope.signer, height: Number(r.height), index: Number(r.index) };
    Object.assign(rec, decodeBody(body));
    try { rec.actor = actingKey(body, signer); } catch (e) { rec.actor = r.envelope.signer; }
    if (rec.chain_id !== config.chain_id) problems.push('signed for another chain');
    if (!schnorr(signature, taggedHash('agritrace/record/v1', body), signer)) problems.push('the signature does not match the record');
    const id = sha256(concat(body, signer, signature));
    rec.id = hex(id);
    const block = blocks.get(rec.height);
    if (!block) problems.push('its block ' + rec.height + ' is not in the bundle');
    else {
      if (!block.ok) problems.push('its block ' + rec.height + ' is not certified');
      const path = (r.proof || []).map(unhex);
      if (Number(r.leaf_count) !== block.header.record_count) problems.push('the Merkle proof has the wrong leaf count');
      else if (!merkleVerify(id, rec.index, Number(r.leaf_count), path, block.header.records_root)) problems.push('the Merkle proof does not place it in block ' + rec.height);
    }
    return rec;
  }

  // Exact conversion of an amount into a lot's unit (chain/model/quantity.cc ConvertMilli):
  // mass units convert through milligrams, count units only to themselves.
  const MG_PER_MILLI = { g: 1, kg: 1000, t: 1000000 };
  function inUnit(a, unit) {
    if (!a) return null;
    if (a.unit === unit) return a.milli;
    const from = MG_PER_MILLI[a.unit], to = MG_PER_MILLI[unit];
    if (!from || !to) return null;
    const mg = a.milli * from;
    return mg % to === 0 ? mg / to : null;
  }

  // The custody story, quantity by quantity, as chain/bundle/custody_replay.cc tells it.
  function checkCustody(records, lot) {
    const lots = new Map(), pallets = new Map();
    // Key rotations (certified like every record here): the new key acts for the old one.
    const successors = new Map();
    const sameParty = (stored, acting) => {
      for (let k = stored, hop = 0; k !== undefined && hop <= successors.size; k = successors.get(k), hop++) {
        if (k === acting) return true;
      }
      return false;
    };
    const heldBy = (l, party, sscc) => l.held.filter((h) => h.sscc === sscc && sameParty(h.party, party)).reduce((n, h) => n + h.milli, 0);
    const give = (l, party, milli, sscc) => {
      const h = l.held.find((x) => x.party === party && x.sscc === sscc);
      if (h) h.milli += milli; else l.held.push({ party, sscc, milli });
    };
    // Takes `want` (all the signer holds when null) from the signer; false (reported) if short.
    const take = (r, l, key, want, sscc, what) => {
      const held = heldBy(l, r.actor, sscc);
      if (want === null) want = held;
      if (held === 0) {
        const moving = [...l.transit.values()].some((x) => sameParty(x.from, r.actor) || sameParty(x.to, r.actor));
        r.problems.push(moving ? what + ' lot ' + key + ' while it is in transit' : what + ' lot ' + key + ' without holding it');
        return null;
      }
      if (want <= 0 || held < want) { r.problems.push(what + ' more of lot ' + key + ' than its signer holds'); return null; }
      let left = want;
      for (const h of l.held) {
        if (left === 0) break;
        if (h.sscc !== sscc || !sameParty(h.party, r.actor)) continue;
        const part = Math.min(left, h.milli);
        h.milli -= part; left -= part;
      }
      l.held = l.held.filter((h) => h.milli > 0);
      return want;
    };
    const amountOf = (r, l, key, a) => {
      const milli = inUnit(a, l.unit);
      if (milli === null || milli <= 0) { r.problems.push('states an amount of lot ' + key + ' that is not a positive amount in ' + l.unit); return null; }
      return milli;
    };
    const create = (r, key, a, parents) => {
      if (lots.has(key)) { r.problems.push('creates lot ' + key + ' a second time'); return; }
      const l = { unit: a ? a.unit : '', parents, record: r, held: [], transit: new Map() };
      if (a) give(l, r.actor, a.milli, '');
      lots.set(key, l);
    };
    const findShipment = (r, l, key, named, asReceiver, onPallet) => {
      const candidates = [...l.transit.entries()].filter(([id, x]) => (onPallet ? x.sscc !== '' : x.sscc === '') &&
        (!named || id === named) && sameParty(asReceiver ? x.to : x.from, r.actor)).map(([id]) => id);
      if (candidates.length === 1) return candidates[0];
      const verb = (asReceiver ? 'receives ' : 'cancels a shipment of ') + (onPallet ? '' : 'lot ') + key;
      r.problems.push(candidates.length > 1 ? verb + ' without naming which of its shipments' : l.transit.size === 0 ? verb + ' that no earlier record shipped'
        : verb + (asReceiver ? ' that was shipped to someone else' : ' that someone else shipped'));
      return null;
    };
    const movePallet = (sscc, shipment, move) => {
      for (const l of lots.values()) {
        const x = l.transit.get(shipment);
        if (!x || x.sscc !== sscc) continue;
        l.transit.delete(shipment);
        move(l, x);
      }
    };
    const exit = (r, key, a, what) => {
      const l = lots.get(key);
      if (!l) { r.problems.push(what + ' lot ' + key + ', which no record created'); return; }
      const milli = a ? amountOf(r, l, key, a) : null;
      if (a && milli === null) return;
      take(r, l, key, milli, '', what);
    };
    for (const r of records) {
      const e = r.event;
      if (r.type === 'rotate_key') successors.set(e.old_pubkey, e.new_pubkey);
      else if (r.type === 'harvest') create(r, e.lot, e.amount, []);
      else if (r.type === 'transform') {
        for (const i of e.inputs) {
          const l = lots.get(i.lot);
          if (!l) continue;  // another product's input: no history here
          const milli = amountOf(r, l, i.lot, i.amount);
          if (milli !== null) take(r, l, i.lot, milli, '', 'transforms');
        }
        for (const o of e.outputs) create(r, o.lot, o.amount, e.inputs.map((i) => i.lot));
      } else if (r.type === 'ship' && e.sscc) {
        const p = pallets.get(e.sscc);
        if (!p) { r.problems.push('ships pallet ' + e.sscc + ', which no record in the bundle built'); continue; }
        for (const c of p.contents) {
          const l = lots.get(c.lot);
          if (l && take(r, l, c.lot, c.milli, e.sscc, 'ships') !== null) {
            l.transit.set(r.id, { from: r.actor, to: e.receiver, sscc: e.sscc, milli: c.milli });
          }
        }
      } else if (r.type === 'ship') {
        const l = lots.get(e.lot);
        if (!l) { r.problems.push('ships lot ' + e.lot + ', which no record in the bundle created'); continue; }
        const want = e.amount ? amountOf(r, l, e.lot, e.amount) : null;
        if (e.amount && want === null) continue;
        const taken = take(r, l, e.lot, want, '', 'ships');
        if (taken !== null) l.transit.set(r.id, { from: r.actor, to: e.receiver, sscc: '', milli: taken });
      } else if (r.type === 'receive' && e.sscc) {
        const p = pallets.get(e.sscc);
        if (!p) { r.problems.push('receives pallet ' + e.sscc + ', which no record built'); continue; }
        const first = p.contents.map((c) => lots.get(c.lot)).find((l) => l);
        if (!first) continue;
        const id = findShipment(r, first, 'pallet ' + e.sscc, e.shipment, true, true);
        if (id) movePallet(e.sscc, id, (l, x) => give(l, r.actor, x.milli, x.sscc));
      } else if (r.type === 'receive') {
        const l = lots.get(e.lot);
        if (!l) { r.problems.push('receives lot ' + e.lot + ' that no record created'); continue; }
        const id = findShipment(r, l, e.lot, e.shipment, true, false);
        if (!id) continue;
        const x = l.transit.get(id);
        let reject = e.reject_amount ? inUnit(e.reject_amount, l.unit) : 0;
        let accept = e.accept_amount ? inUnit(e.accept_amount, l.unit) : x.milli - (reject === null ? 0 : reject);
        if (e.accept_amount && !e.reject_amount && accept !== null) reject = x.milli - accept;
        if (accept === null || reject === null || accept < 0 || reject < 0 || accept + reject !== x.milli) {
          r.problems.push('accepts and rejects amounts of lot ' + e.lot + ' that do not add up to the shipment');
          continue;
        }
        l.transit.delete(id);
        if (accept > 0) give(l, r.actor, accept, '');
        if (reject > 0) l.transit.set(r.id, { from: r.actor, to: x.from, sscc: '', milli: reject });
      } else if (r.type === 'cancel_shipment' && e.sscc) {
        movePallet(e.sscc, e.shipment, (l, x) => {
          if (!sameParty(x.from, r.actor)) r.problems.push('cancels a pallet shipment someone else sent');
          give(l, x.from, x.milli, x.sscc);
        });
      } else if (r.type === 'cancel_shipment') {
        const l = lots.get(e.lot);
        if (!l) { r.problems.push('cancels a shipment of lot ' + e.lot + ' unknown here'); continue; }
        const id = findShipment(r, l, e.lot, e.shipment, false, false);
        if (!id) continue;
        const x = l.transit.get(id);
        l.transit.delete(id);
        give(l, x.from, x.milli, '');
      } else if (r.type === 'loss') exit(r, e.lot, e.amount, 'loses');
      else if (r.type === 'sell') exit(r, e.lot, e.amount, 'sells');
      else if (r.type === 'aggregate') {
        if (pallets.has(e.sscc)) { r.problems.push('builds pallet ' + e.sscc + ' a second time'); continue; }
        const p = { contents: [] };
        pallets.set(e.sscc, p);
        for (const c of e.contents) {
          const l = lots.get(c.lot);
          if (!l) continue;  // another product's lot on the same pallet
          const milli = amountOf(r, l, c.lot, c.amount);
          if (milli !== null && take(r, l, c.lot, milli, '', 'puts on a pallet') !== null) {
            give(l, r.actor, milli, e.sscc);
            p.contents.push({ lot: c.lot, milli });
          }
        }
      } else if (r.type === 'disaggregate') {
        const p = pallets.get(e.sscc);
        if (!p) { r.problems.push('takes apart pallet ' + e.sscc + ', which no record built'); continue; }
        for (const c of p.contents) {
          const l = lots.get(c.lot);
          if (l && take(r, l, c.lot, c.milli, e.sscc, 'takes off a pallet') !== null) give(l, r.actor, c.milli, '');
        }
      }
    }
    const failures = [], seen = new Set(), todo = [lot];
    while (todo.length) {
      const key = todo.pop();
      if (seen.has(key)) continue;
      seen.add(key);
      const l = lots.get(key);
      if (!l) { failures.push('lot ' + key + ': no record in the bundle shows how it was made'); continue; }
      todo.push(...l.parents);
    }
    return { lots, failures, ancestry: seen };
  }

  // --- Origin (chain/bundle/origin.cc): plots, intervals, claims and the compliance
  // certificate, recomputed from the verified records alone. Masses in BigInt milligrams.
  const DAY_MS = 24 * 3600 * 1000;
  const THIRDS_M2 = { m2: 3n, mu: 2000n, ha: 30000n };
  function massMg(a, net) {
    if (!a) return null;
    if (MG_PER_MILLI[a.unit]) return BigInt(a.milli) * BigInt(MG_PER_MILLI[a.unit]);
    const per = massMg(net, null);
    return per && per > 0n ? BigInt(a.milli) * per / 1000n : null;
  }
  // area x max yield per area, rounded down (chain/model/plot.cc PlotCapMg).
  function plotCapMg(e) {
    const mg = massMg(e.max_yield, null), from = e.area && THIRDS_M2[e.area.unit], per = THIRDS_M2[e.max_yield_per];
    if (!mg || !from || !per) return null;
    return BigInt(e.area.milli) * from * mg / (per * 1000n);
  }
  function areaText(a) {
    if (!a) return '';
    return quantity({ 1: [BigInt(a.milli)], 2: [enc.encode(a.unit)] });
  }
  // The year the plot's season holding `ms` began (chain/model/plot.cc SeasonYear).
  function seasonYear(plot, ms, tzMin) {
    const d = new Date(ms + (tzMin || 0) * 60000);
    const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
    const sm = plot.season_start_month || 1, sd = plot.season_start_day || 1;
    return m < sm || (m === sm && day < sd) ? y - 1 : y;
  }
  const two = (n) => String(n).padStart(2, '0');
  // Each plot's latest season among the bundle's harvests: what they prove, and the whole
  // plot's total the bundle states (bundle.proto PlotSeasonTotal), which must lie between
  // that and the cap; it is shown as the node's statement, not as proven.
  function checkSeasons(plots, harvests, bundle, failures) {
    const proven = new Map();
    for (const h of harvests) {
      const plot = plots.get(h.plot), season = seasonYear(plot, h.ms, h.tz), key = h.plot + '\n' + season;
      proven.set(key, (proven.get(key) || 0n) + (h.mg || 0n));
      plot.season = Math.max(plot.season || 0, season);
    }
    for (const plot of plots.values()) {
      if (!plot.named) continue;
      plot.season_start = two(plot.season_start_month || 1) + '-' + two(plot.season_start_day || 1);
      plot.season_proven_mg = proven.get(plot.plot + '\n' + plot.season) || 0n;
      plot.season_total_mg = null;
    }
    for (const s of (bundle.plot_seasons || []).slice(0, 64)) {
      const plot = plots.get(s.plot);
      if (!plot || !plot.named || typeof s.harvested_mg !== 'number') continue;
      const total = BigInt(s.harvested_mg), own = proven.get(s.plot + '\n' + s.season) || 0n;
      const subject = 'plot ' + s.plot + ', season ' + s.season + ': the bundle states ' + total + ' mg harvested';
      if (total < own) failures.push(subject + ', less than its own verified harvests on the plot (' + own + ' mg)');
      else if (plot.cap_mg !== null && total > plot.cap_mg) failures.push(subject + ', more than the plot\'s cap (' + plot.cap_mg + ' mg)');
      if (s.season === plot.season) {
        plot.season_total_mg = total;
        plot.season_as_of_height = s.as_of_height || 0;
        plot.season_remaining_mg = plot.cap_mg !== null && plot.cap_mg > total ? plot.cap_mg - total : 0n;
      }
    }
  }
  function civilDate(ms, tzMin) { return new Date(ms + (tzMin || 0) * 60000).toISOString().slice(0, 10); }
  const validAt = (c, at) => (!c.valid_from_ms || at >= c.valid_from_ms) && (!c.valid_until_ms || at <= c.valid_until_ms);
  // As the rules (chain/model/lot_claims.cc): a pack consumes floor(consumed x claimed / lot)
  // of each claim, an output carries floor(out x carried / in).
  function carriedIn(inputs) {
    const carried = [];
    for (const { lot, consumed } of inputs) {
      if (!lot.mg || lot.mg <= 0n) continue;
      for (const c of lot.claims) {
        const mg = consumed * c.mg / lot.mg;
        if (mg <= 0n) continue;
        let same = carried.find((x) => x.claim === c.claim && x.certificate === c.certificate);
        if (!same) { same = { ...c, mg: 0n, plots: [] }; carried.push(same); }
        same.mg += mg;
        for (const p of c.plots) if (!same.plots.includes(p) && same.plots.length < 32) same.plots.push(p);
      }
    }
    return carried;
  }
  function checkOrigin(records, bundle, config) {
    const failures = [];
    const plots = new Map(), apps = [], certs = [], lots = new Map(), harvests = [], compliance = new Map();
    for (const g of config.genesis_plots || []) {
      plots.set(g.plot, { plot: g.plot, owner: g.owner, crop: g.crop, area: g.area, cap_mg: g.cap_mg === undefined ? null : BigInt(g.cap_mg),
        lat: g.lat === undefined ? null : g.lat, lon: g.lon === undefined ? null : g.lon, place: g.name || '', harvested_mg: 0n, genesis: true, retired: false,
        season_start_month: g.season_start_month || 1, season_start_day: g.season_start_day || 1 });
    }
    const participants = bundle.participants || [];
    for (const r of records) {
      if (!r.verified) continue;
      const e = r.event;
      if (r.type === 'register_plot') {
        const loc = e.location || {};
        plots.set(e.plot, { plot: e.plot, owner: e.owner, crop: e.crop, area: areaText(e.area), cap_mg: plotCapMg(e), lat: loc.lat, lon: loc.lon,
          place: loc.name || '', harvested_mg: 0n, record: r, retired: false, season_start_month: e.season_start_month, season_start_day: e.season_start_day });
      } else if (r.type === 'transfer_plot' && plots.has(e.plot)) plots.get(e.plot).owner = e.new_owner;
      else if (r.type === 'retire_plot' && plots.has(e.plot)) plots.get(e.plot).retired = true;
      else if (r.type === 'input_application') apps.push({ ...e, applied_ms: r.event_time_ms, tz: r.event_tz_offset_min, record: r });
      else if (r.type === 'certify' && e.claim) certs.push({ id: r.id, c: e, record: r });
      else if (r.type === 'compliance_cert') compliance.set(e.lot, { basis: e.basis, date: civilDate(r.event_time_ms, r.event_tz_offset_min), producer: r.signer, record: r });
      else if (r.type === 'harvest') {
        const harvestMs = e.harvest_time_ms || r.event_time_ms;
        const mg = massMg(e.amount, e.net_mass);
        const lot = { mg, net: e.net_mass, claims: [] };
        if (e.plot) {
          const plot = plots.get(e.plot);
          if (!plot) failures.push('lot ' + e.lot + ': plot ' + e.plot + ' is named but its RegisterPlot record is not in the bundle');
          else { plot.harvested_mg += mg || 0n; plot.named = true; harvests.push({ plot: e.plot, lot: e.lot, ms: harvestMs, tz: r.event_tz_offset_min, mg }); }
        }
        if (!e.waive_claims && mg) {
          const org = (participants.find((p) => p.pubkey === r.signer) || {}).organization || '';
          const rank = (c) => (c.plot_id ? (c.plot_id === e.plot ? 0 : -1) : c.farmer ? (c.farmer === r.signer ? 1 : -1) : org && c.organization === org ? 2 : -1);
          const done = new Set();
          for (let k = 0; k < 3; k++) {
            for (const { id, c } of certs) {
              if (rank(c) !== k || done.has(c.claim) || !validAt(c, harvestMs)) continue;
              const tonnage = massMg(c.tonnage, null) || 0n;
              if (tonnage < mg || lot.claims.length >= 16) continue;
              done.add(c.claim);
              lot.claims.push({ claim: c.claim, certificate: id, mg, plots: e.plot ? [e.plot] : [] });
            }
          }
        }
        lots.set(e.lot, lot);
      } else if (r.type === 'transform') {
        const inputs = [];
        let inMg = 0n;
        for (const i of e.inputs) {
          const lot = lots.get(i.lot);
          if (!lot) continue;
          const consumed = massMg(i.amount, lot.net) || 0n;
          inputs.push({ lot, consumed });
          inMg += consumed;
        }
        const carried = carriedIn(inputs);
        for (const o of e.outputs) {
          const outMg = massMg(o.amount, o.net_mass) || 0n;
          const claims = [];
          if (inMg > 0n) {
            for (const c of carried) {
              const mg = outMg * c.mg / inMg;
              if (mg > 0n && claims.length < 16) claims.push({ ...c, mg });
            }
          }
          lots.set(o.lot, { mg: outMg, net: o.net_mass, claims });
        }
      }
    }
    checkSeasons(plots, harvests, bundle, failures);
    // Every application on a harvest's plot, by event time (also one recorded later).
    const intervals = [];
    for (const h of harvests) {
      for (const a of apps.filter((x) => x.plot === h.plot)) {
        const allowed = a.applied_ms + a.phi_days * DAY_MS;
        const respected = h.ms < a.applied_ms || h.ms >= allowed;
        const it = { plot: h.plot, lot: h.lot, product: a.product, active_ingredient: a.active_ingredient, phi_days: a.phi_days,
          applied: civilDate(a.applied_ms, a.tz), first_allowed: civilDate(allowed, a.tz), harvested: civilDate(h.ms, h.tz), respected };
        if (!respected) failures.push('lot ' + h.lot + ': harvested on ' + it.harvested + ' from plot ' + h.plot + ', within the ' + a.phi_days +
          '-day pre-harvest interval of ' + a.product + ' applied on ' + it.applied + ' (first allowed day ' + it.first_allowed + ')');
        intervals.push(it);
      }
    }
    const own = lots.get(bundle.lot);
    const claims = (bundle.claims || []).slice(0, 16).map((s) => {
      const stated = BigInt(s.claimed_mg);
      const cert = certs.find((c) => c.id === s.certificate);
      const backedClaim = own && own.claims.find((c) => c.claim === s.claim && c.certificate === s.certificate);
      const backed = backedClaim ? backedClaim.mg : 0n;
      const out = { claim: s.claim, certificate: s.certificate, certificate_id: cert ? cert.c.certificate_id : s.certificate_id,
        standard: cert ? cert.c.standard : s.standard, tonnage_mg: cert ? massMg(cert.c.tonnage, null) : null, stated_mg: stated,
        backed_mg: backed, share: own && own.mg ? Number(stated * 1000n / own.mg) / 10 : null, plots: s.plots || [],
        backed: backed > 0n && backed >= stated, why: '' };
      if (!out.backed) {
        out.why = cert ? 'the bundle\'s records back ' + backed + ' mg of it, not ' + stated + ' mg'
          : 'its certificate ' + String(s.certificate).slice(0, 16) + ' is not among the bundle\'s verified records';
        failures.push('claim ' + s.claim + ' of lot ' + bundle.lot + ': cannot be backed: ' + out.why);
      }
      return out;
    });
    return { plots: [...plots.values()].filter((p) => p.named), intervals, claims, compliance: compliance.get(bundle.lot) || null, failures };
  }

  // Verifies `bundle` (the JSON form) against `config` ({chain_id, genesis_hash, validators:
  // genesis's, [{name, pubkey}] or [hex], genesis_plots}). Returns {ok, failures, records:
  // [{type, event, verified, problems, ...}], lots, origin: {plots, intervals, claims,
  // compliance}, validatorSets: [{from_height, decided_height, validators: [{name, pubkey}], used: a block
  // of the bundle was checked against it}]}.
  function verifyBundle(bundle, config) {
    const out = { ok: false, failures: [], records: [], lots: new Map(), ancestry: new Set(), validatorSets: [] };
    try {
      if (bundle.chain_id !== config.chain_id) out.failures.push('the bundle is for another chain');
      if (bundle.genesis_hash !== config.genesis_hash) out.failures.push('the bundle names another genesis');
      const sets = checkValidatorChanges(bundle, config, out);
      out.validatorSets = sets.epochs;
      const blocks = checkBlocks(bundle, config, out, sets);
      for (const height of blocks.keys()) epochAt(sets.epochs, height).used = true;  // shown on the page
      let prev = null;
      (bundle.records || []).forEach((r, i) => {
        let rec;
        try { rec = checkRecord(r, blocks, config); } catch (e) { rec = { problems: ['does not decode: ' + e.message], type: 'unknown', event: {} }; }
        if (prev && (rec.height < prev.height || (rec.height === prev.height && rec.index <= prev.index))) rec.problems.push('records are not in chain order');
        prev = rec;
        rec.n = i;
        out.records.push(rec);
      });
      const story = checkCustody(out.records.filter((r) => r.type !== 'unknown'), bundle.lot);
      out.lots = story.lots;
      out.ancestry = story.ancestry;
      out.failures.push(...story.failures);
      for (const r of out.records) {
        r.verified = r.problems.length === 0;
        for (const p of r.problems) out.failures.push('record ' + r.n + ' (' + r.type + (r.event.lot ? ' of ' + r.event.lot : '') + '): ' + p);
      }
      out.origin = checkOrigin(out.records, bundle, config);
      out.failures.push(...out.origin.failures);
    } catch (e) {
      out.failures.push('the bundle is malformed: ' + e.message);
    }
    out.ok = out.failures.length === 0;
    return out;
  }

  window.AgriVerify = { verifyBundle, decodeBody, hex, unhex };
})();
