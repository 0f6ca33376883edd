// The product page: fetches the proof bundle from the same address (Accept: application/json),
// verifies it in the browser (verify.js) and shows the journey as a timeline, in English or
// Simplified Chinese. Exposes the outcome as <body data-verification="ok|failed|pending">.
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('agritrace-config').textContent);
  const T = {
    en: {
      attested: 'recorded by', checking: 'Checking the proofs…', ok: 'Verified: every step below is signed by who did it and certified by the chain’s validators.',
      failed: 'Warning: this journey could not be verified. Do not rely on it.', unreachable: 'The journey could not be loaded.',
      verified: '✓ verified', not_verified: '✗ not verified', recall: 'RECALLED', recall_ancestor: 'RECALL: an ingredient of this product was recalled',
      how: 'How this was checked', links: 'Data', bundle: 'proof bundle', chain: 'Chain', genesis: 'Genesis', validators: 'Validators', block: 'block', from_height: 'from height', decided_in: 'decided in block',
      harvest: 'Harvested', pack: 'Packed', transform: 'Processed', ship: 'Shipped', receive: 'Received', checkpoint: 'Checkpoint',
      sensor_readings: 'Cold-chain readings', certify: 'Certificate', recall_ev: 'Recall', sell: 'On sale', register_participant: 'Participant registered', rotate_key: 'Key replaced', participant: 'Participant', old_key: 'Old key', new_key: 'New key',
      farm: 'Farm', field: 'Field', date: 'Date', quantity: 'Quantity', commodity: 'Product', variety: 'Variety', by: 'By', to: 'To',
      carrier: 'Carrier', from: 'From', into: 'Into', where: 'Where', lot: 'Lot', standard: 'Standard', outcome: 'Outcome',
      reason: 'Reason', readings: 'Readings', breach: 'Out of the allowed range', event: 'Event', pass: 'pass', fail: 'fail',
      cool: 'Cooled', method: 'Method', loss: 'Loss', cancel_shipment: 'Shipment cancelled', aggregate: 'Put on a pallet', disaggregate: 'Taken off a pallet',
      accepted: 'Accepted', rejected: 'Rejected, sent back', pallet: 'Pallet (SSCC)', shipment: 'Shipment', documents: 'Documents',
      note: 'Note', contents: 'On it',
      pledge: 'Commitment', plot: 'Registered plot', compliance_cert: 'Compliance certificate (承诺达标合格证)', basis: 'Basis',
      'self-commitment': 'self commitment', 'self-test': 'self test', 'commissioned-test': 'commissioned test', 'internal-control': 'internal quality control',
      commitment: 'No banned pesticides or veterinary drugs; residues within limits; the producer answers for it',
      origin: 'Origin', owner: 'Owner', area: 'Area', crop: 'Crop', map: 'map', season_cap: 'Season cap', season: 'Season', season_from: 'from', harvested_season: 'Harvested this season', whole_plot: 'whole plot', remaining: 'remaining',
      stated_at: 'as stated by the node at block', not_stated: 'not stated', harvested_lots: 'This product’s harvests', proven: 'verified',
      intervals: 'Pre-harvest intervals', respected: 'respected', not_respected: 'NOT respected', days: 'days', applied: 'applied', harvested: 'harvested',
      claims: 'Claims', certificate: 'Certificate', tonnage: 'tonnage', of_product: 'of this product', backed: '✓ backed by the chain',
      unbacked: '✗ NOT backed by the chain', register_plot: 'Plot registered', transfer_plot: 'Plot transferred', retire_plot: 'Plot retired',
      input_application: 'Pesticide / fertiliser applied', product: 'Product', ingredient: 'Active ingredient', phi: 'Pre-harvest interval', claim: 'Claim', producer: 'Producer', genesis_plot: 'registered at genesis', retired: 'retired', organic: 'organic',
      explain: 'Your browser checked each step’s digital signature (BIP-340), its inclusion in a block (Merkle proof) and each block’s certificate by the validators below. Only this chain’s validator keys are trusted.',
    },
    zh: {
      attested: '录入方', checking: '正在验证…', ok: '已验证：以下每一步都由操作方签名，并经区块链验证节点认证。',
      failed: '警告：此溯源信息未通过验证，请勿信任。', unreachable: '无法加载溯源信息。',
      verified: '✓ 已验证', not_verified: '✗ 未验证', recall: '已召回', recall_ancestor: '召回：本产品的原料批次已被召回',
      how: '验证方式', links: '数据', bundle: '证明包', chain: '链', genesis: '创世哈希', validators: '验证节点', block: '区块', from_height: '自高度', decided_in: '决定于区块',
      harvest: '采收', pack: '包装', transform: '加工', ship: '发运', receive: '收货', checkpoint: '运输节点',
      sensor_readings: '冷链记录', certify: '认证', recall_ev: '召回', sell: '上架销售', register_participant: '参与方登记', rotate_key: '密钥更换', participant: '参与方', old_key: '原密钥', new_key: '新密钥',
      farm: '农场', field: '地块', date: '日期', quantity: '数量', commodity: '产品', variety: '品种', by: '操作方', to: '收货方',
      carrier: '承运方', from: '原料', into: '产出', where: '地点', lot: '批次', standard: '标准', outcome: '结果',
      reason: '原因', readings: '读数', breach: '超出允许范围', event: '事件', pass: '合格', fail: '不合格',
      cool: '预冷', method: '方式', loss: '损耗', cancel_shipment: '发运取消', aggregate: '装托盘', disaggregate: '拆托盘',
      accepted: '接收', rejected: '拒收（退回）', pallet: '托盘 (SSCC)', shipment: '运单', documents: '单据',
      note: '备注', contents: '托盘内容',
      pledge: '承诺内容', plot: '登记地块', compliance_cert: '承诺达标合格证', basis: '承诺依据',
      'self-commitment': '自我承诺', 'self-test': '自我检测', 'commissioned-test': '委托检测', 'internal-control': '内部质量控制',
      commitment: '不使用禁用农药兽药、停用兽药和非法添加物；常规农药兽药残留不超标；对承诺的真实性负责',
      origin: '产地', owner: '所有者', area: '面积', crop: '作物', map: '地图', season_cap: '本季产量上限', season: '产季', season_from: '起始', harvested_season: '本季已采收', whole_plot: '整块地块', remaining: '剩余',
      stated_at: '节点所报，区块高度', not_stated: '未提供', harvested_lots: '本产品采收', proven: '已验证',
      intervals: '安全间隔期', respected: '已遵守', not_respected: '未遵守', days: '天', applied: '施用', harvested: '采收',
      claims: '认证声明', certificate: '证书', tonnage: '认证量', of_product: '占本产品', backed: '✓ 链上已证实',
      unbacked: '✗ 链上无法证实', register_plot: '地块登记', transfer_plot: '地块转让', retire_plot: '地块注销',
      input_application: '农药/肥料施用', product: '产品', ingredient: '有效成分', phi: '安全间隔期', claim: '认证声明', producer: '生产者', genesis_plot: '创世登记', retired: '已注销', organic: '有机',
      explain: '您的浏览器已逐一核验每个步骤的数字签名（BIP-340）、其在区块中的包含证明（默克尔证明），以及下列验证节点对每个区块的认证。只信任本链的验证节点公钥。',
    },
  };
  let lang = localStorage.getItem('agritrace-lang') || config.lang || 'en';
  let state = { result: null, bundle: null, error: null };
  const t = (k) => (T[lang] && T[lang][k]) || T.en[k] || k;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function names() {
    const m = new Map();
    for (const p of (state.bundle && state.bundle.participants) || []) m.set(p.pubkey, p);
    for (const p of config.genesis_participants || []) m.set(p.pubkey, p);  // vouched by genesis
    return m;
  }
  function who(pubkey) {
    const p = names().get(pubkey);
    if (!p) return pubkey ? pubkey.slice(0, 12) + '…' : '';
    return p.organization ? p.organization + (p.name && p.name !== p.organization ? ' (' + p.name + ')' : '') : p.name;
  }
  // Who did the event: its signer, or for an imported partner's event (an attestation) the
  // party the signer names, with the signer who recorded it.
  function doer(r) {
    if (!r.attested) return who(r.signer);
    return (r.attested.name || r.attested.uri) + ' (' + t('attested') + ' ' + who(r.signer) + ')';
  }
  function when(ms, offsetMin) {
    if (!ms) return '';
    const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
    // An event recorded with its UTC offset is shown in the local time where it happened.
    if (typeof offsetMin === 'number' && Math.abs(offsetMin) <= 14 * 60) {
      const text = new Date(ms + offsetMin * 60000).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
      const sign = offsetMin < 0 ? '-' : '+', abs = Math.abs(offsetMin);
      return text + ' ' + sign + String(Math.floor(abs / 60)).padStart(2, '0') + ':' + String(abs % 60).padStart(2, '0');
    }
    return new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }
  const short = (id) => (id ? id.slice(0, 16) + '…' : '');
  const docs = (refs) => (refs || []).map((d) => d.type + ' ' + d.id).join(', ');
  const unit = (e) => e.lot || (e.sscc ? '00/' + e.sscc : '');
  function place(loc) {
    if (!loc) return '';
    const parts = [loc.name, loc.gln ? 'GLN ' + loc.gln : ''];
    if (loc.lat !== null && loc.lon !== null) parts.push(loc.lat.toFixed(4) + ', ' + loc.lon.toFixed(4));
    return parts.filter(Boolean).join(' · ');
  }
  // A lot key "01/{gtin}/10/{lot}" as the path of its Digital Link, the lot code
  // percent-encoded (a '/' in it becomes %2F), so the link names that lot and not a further
  // path segment; null for anything else.
  function lotPath(key) {
    const m = /^01\/(\d{14})\/10\/(.+)$/.exec(key || '');
    return m ? '/01/' + m[1] + '/10/' + encodeURIComponent(m[2]) : null;
  }
  function fields(pairs) {
    const dl = el('dl', { class: 'ev-body' });
    for (const [k, v] of pairs) {
      if (!v) continue;
      // Another lot of the journey links to its own page.
      const path = k === 'lot' && v !== config.lot ? lotPath(v) : null;
      dl.append(el('dt', {}, t(k)), el('dd', {}, path ? el('a', { href: path }, v) : v));
    }
    return dl;
  }
  function outOfRange(r, range) {
    if (!range || r.temperature === null) return false;
    return (range.minT !== undefined && r.temperature * 1000 < range.minT) || (range.maxT !== undefined && r.temperature * 1000 > range.maxT);
  }
  function readingsText(readings, range) {
    return readings.map((r) => (r.temperature !== null ? r.temperature + ' °C' : '') + (r.humidity !== null ? ' ' + r.humidity + '%' : '') +
      (outOfRange(r, range) ? ' ⚠ ' + t('breach') : '')).join('; ');
  }
  function rangeOf(lot) {
    const l = state.result.lots.get(lot);
    if (!l || !l.record) return null;
    const e = l.record.event;
    if (l.record.type === 'harvest') return e.range;
    const o = (e.outputs || []).find((x) => x.lot === lot);
    return o ? o.range : null;
  }
  // [title key, time, fields, breach?] for one decoded record. The time is when the event
  // happened (event_time_ms, else a harvest's own time, else when it was signed).
  function describe(r) {
    const [title, time, pairs, breach] = describeEvent(r);
    return [title, r.event_time_ms || time, pairs, breach];
  }
  function describeEvent(r) {
    const e = r.event;
    switch (r.type) {
      case 'harvest': return ['harvest', r.event_time_ms, [['farm', doer(r)], ['plot', e.plot], ['field', e.field], ['where', place(e.location)],
        ['commodity', e.commodity], ['variety', e.variety], ['quantity', e.quantity], ['date', when(e.harvest_time_ms)], ['lot', e.lot]]];
      case 'transform': return [e.kind, r.event_time_ms, [['by', doer(r)], ['from', e.inputs.map((i) => i.quantity + ' ' + i.lot).join(', ')],
        ['into', e.outputs.map((o) => o.quantity + (o.net_mass_per_unit ? ' × ' + o.net_mass_per_unit : '') + ' ' + o.lot).join(', ')]]];
      case 'ship': return ['ship', r.event_time_ms, [['by', doer(r)], ['to', who(e.receiver)], ['carrier', e.carrier ? who(e.carrier) : ''],
        ['quantity', e.quantity], ['pallet', e.sscc], ['shipment', short(r.id)], ['documents', docs(e.refs)], ['lot', e.lot]]];
      case 'receive': return ['receive', r.event_time_ms, [['by', doer(r)], ['accepted', e.accept],
        ['rejected', e.reject ? e.reject + (e.reject_reason ? ' — ' + e.reject_reason : '') : ''], ['shipment', short(e.shipment)],
        ['pallet', e.sscc], ['documents', docs(e.refs)], ['lot', e.lot]], !!e.reject];
      case 'cancel_shipment': return ['cancel_shipment', r.event_time_ms, [['by', doer(r)], ['shipment', short(e.shipment)], ['lot', unit(e)]]];
      case 'loss': return ['loss', r.event_time_ms, [['by', doer(r)], ['quantity', e.quantity], ['reason', e.reason], ['note', e.note], ['lot', e.lot]], true];
      case 'cool': return ['cool', r.event_time_ms, [['by', doer(r)], ['method', e.method], ['where', place(e.location)], ['lot', e.lot]]];
      case 'aggregate': return ['aggregate', r.event_time_ms, [['by', doer(r)], ['pallet', e.sscc],
        ['contents', (e.contents || []).map((c) => c.quantity + ' ' + c.lot).join(', ')]]];
      case 'disaggregate': return ['disaggregate', r.event_time_ms, [['by', doer(r)], ['pallet', e.sscc]]];
      case 'checkpoint': return ['checkpoint', e.time_ms || r.event_time_ms, [['by', doer(r)], ['where', place(e.location)], ['event', e.step],
        ['readings', readingsText(e.readings, rangeOf(e.lot))]], e.readings.some((x) => outOfRange(x, rangeOf(e.lot)))];
      case 'sensor_readings': return ['sensor_readings', r.event_time_ms, [['by', doer(r)], ['readings', readingsText(e.readings, rangeOf(e.lot))], ['lot', e.lot]],
        e.readings.some((x) => outOfRange(x, rangeOf(e.lot)))];
      case 'certify': return ['certify', r.event_time_ms, [['by', doer(r)], ['standard', e.standard], ['outcome', t(e.outcome)], ['lot', e.lot],
        ['claim', e.claim ? t(e.claim) : ''], ['plot', e.plot_id], ['certificate', e.certificate_id], ['tonnage', e.tonnage ? kg(BigInt(e.tonnage.milli) * BigInt({ g: 1, kg: 1000, t: 1000000 }[e.tonnage.unit] || 0)) : '']]];
      case 'register_plot': return ['register_plot', r.event_time_ms, [['by', doer(r)], ['plot', e.plot], ['owner', who(e.owner)], ['crop', e.crop],
        ['area', e.area ? e.area.milli / 1000 + e.area.unit : ''], ['where', place(e.location)]]];
      case 'transfer_plot': return ['transfer_plot', r.event_time_ms, [['by', doer(r)], ['plot', e.plot], ['owner', who(e.new_owner)]]];
      case 'retire_plot': return ['retire_plot', r.event_time_ms, [['by', doer(r)], ['plot', e.plot], ['reason', e.reason]]];
      case 'input_application': return ['input_application', r.event_time_ms, [['by', doer(r)], ['plot', e.plot], ['product', e.product],
        ['ingredient', e.active_ingredient], ['phi', e.phi_days + ' ' + t('days')]]];
      case 'compliance_cert': return ['compliance_cert', r.event_time_ms, [['by', doer(r)], ['basis', t(e.basis)],
        ['pledge', t('commitment')], ['lot', e.lot]]];
      case 'recall': return ['recall_ev', r.event_time_ms, [['by', doer(r)], ['reason', e.reason], ['lot', e.lot]], true];
      case 'sell': return ['sell', r.event_time_ms, [['by', doer(r)], ['quantity', e.quantity], ['documents', docs(e.refs)], ['lot', e.lot]]];
      case 'rotate_key': return ['rotate_key', r.event_time_ms, [['participant', who(e.new_pubkey)], ['by', doer(r)],
        ['old_key', e.old_pubkey.slice(0, 16) + '…'], ['new_key', e.new_pubkey.slice(0, 16) + '…'], ['reason', e.reason]]];
      default: return [r.type, r.event_time_ms, [['by', doer(r)], ...Object.entries(e || {}).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, v])]];
    }
  }
  function eventItem(r) {
    const [title, time, pairs, breach] = describe(r);
    const li = el('li', { class: (r.verified ? 'verified' : 'unverified') + (breach ? ' breach' : ''), 'data-type': r.type, 'data-verified': String(!!r.verified) },
      el('div', { class: 'ev-head' }, el('span', { class: 'ev-title' }, t(title)), el('span', { class: 'ev-time' }, when(time, r.event_tz_offset_min))),
      fields(pairs),
      el('span', { class: 'badge ' + (r.verified ? 'ok' : 'bad') }, r.verified ? t('verified') : t('not_verified')));
    if (!r.verified) li.append(el('ul', { class: 'problems' }, ...r.problems.map((p) => el('li', {}, p))));
    return li;
  }
  function productName() {
    const l = state.result.lots.get(config.lot);
    if (!l) return config.lot;
    let lot = l, guard = 0;
    while (lot && lot.record && guard++ < 64) {
      const e = lot.record.event;
      const info = lot.record.type === 'harvest' ? e : (e.outputs || []).find((o) => o.commodity) || null;
      if (info && info.commodity) return info.commodity + (info.variety ? ' · ' + info.variety : '');
      lot = state.result.lots.get(lot.parents[0]);
    }
    return config.lot;
  }
  function renderSummary() {
    const s = document.getElementById('summary');
    const status = state.error ? 'failed' : state.result ? (state.result.ok ? 'ok' : 'failed') : 'pending';
    s.className = 'summary ' + status;
    s.replaceChildren(el('span', { class: 'mark' }, status === 'ok' ? '✓' : status === 'failed' ? '✗' : '…'),
      el('span', { id: 'summary-text' }, state.error ? t('unreachable') + ' ' + state.error : t(status === 'ok' ? 'ok' : status === 'failed' ? 'failed' : 'checking')));
    if (state.result && !state.result.ok) s.append(el('ul', { id: 'failures' }, ...state.result.failures.slice(0, 20).map((f) => el('li', {}, f))));
    document.body.setAttribute('data-verification', status);
  }
  function renderRecall() {
    const box = document.getElementById('recall');
    const recalls = state.result.records.filter((r) => r.type === 'recall' && state.result.ancestry.has(r.event.lot));
    box.hidden = recalls.length === 0;
    if (!recalls.length) return;
    const own = recalls.some((r) => r.event.lot === config.lot);
    box.textContent = (own ? t('recall') : t('recall_ancestor')) + ': ' + recalls.map((r) => r.event.reason).filter(Boolean).join('; ');
  }
  function renderChain() {
    const d = document.getElementById('chain-details');
    document.getElementById('chain-title').textContent = t('how');
    d.replaceChildren(el('p', {}, t('explain')),
      el('p', {}, t('chain') + ': ', el('code', {}, config.chain_id)),
      el('p', {}, t('genesis') + ': ', el('code', {}, config.genesis_hash)),
      el('p', {}, t('validators') + ': ', ...config.validators.map((v) => el('code', { title: v.pubkey }, v.name + ' ' + v.pubkey.slice(0, 16) + '… '))),
      ...validatorSets(),
      // The same lot's other GS1 Digital Link link types, for partners' tools.
      el('p', { id: 'links' }, t('links') + ': ', ...[['gs1:epcis', 'EPCIS 2.0'], ['gs1:traceability', t('bundle')], ['all', 'linkset']]
        .map(([type, label]) => el('a', { href: config.bundle_path + '?linkType=' + type, 'data-link-type': type }, label + ' '))));
  }
  // The validator sets after genesis's that the bundle's blocks were checked against (each
  // change verified by the set before it, issue 17).
  function validatorSets() {
    const sets = (state.result && state.result.validatorSets) || [];
    return sets.slice(1).filter((s) => s.used).map((s) => el('p', { class: 'validator-set', 'data-from-height': String(s.from_height) },
      t('validators') + ' (' + t('from_height') + ' ' + s.from_height + ', ' + t('decided_in') + ' ' + s.decided_height + '): ',
      ...s.validators.map((v) => el('code', { title: v.pubkey }, v.name + ' ' + v.pubkey.slice(0, 16) + '… '))));
  }
  // --- The Origin card: what verify.js recomputed from the verified records (origin).
  const kg = (mg) => (mg === null || mg === undefined ? '' : (Number(mg) / 1e6).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 3 }) + ' kg');
  function mark(ok) { return el('span', { class: 'badge ' + (ok ? 'ok' : 'bad') }, ok ? t('verified') : t('not_verified')); }
  function plotItem(p) {
    const verified = p.genesis || !!(p.record && p.record.verified);
    const map = p.lat !== null && p.lat !== undefined && p.lon !== null && p.lon !== undefined
      ? el('a', { href: 'https://www.openstreetmap.org/?mlat=' + p.lat + '&mlon=' + p.lon + '#map=15/' + p.lat + '/' + p.lon, rel: 'noopener', class: 'map-link' },
        p.lat.toFixed(4) + ', ' + p.lon.toFixed(4) + ' (' + t('map') + ')') : null;
    const dl = el('dl', { class: 'ev-body' });
    // The season total is the node's statement (checked only against this bundle's harvests
    // and the cap); this product's harvests are proven by their records.
    const total = p.season_total_mg === null || p.season_total_mg === undefined ? null
      : el('span', { class: 'season-total', 'data-harvested-mg': String(p.season_total_mg), 'data-remaining-mg': String(p.season_remaining_mg) },
        kg(p.season_total_mg) + ' (' + t('whole_plot') + ') · ' + t('remaining') + ' ' + kg(p.season_remaining_mg) + ' ',
        el('span', { class: 'stated' }, '(' + t('stated_at') + ' ' + p.season_as_of_height + ')'));
    const pairs = [['owner', who(p.owner)], ['area', p.area], ['crop', p.crop], ['where', map || p.place],
      ['season', p.season ? p.season + ' (' + t('season_from') + ' ' + p.season_start + ')' : ''],
      ['season_cap', p.cap_mg !== null ? kg(p.cap_mg) : ''],
      ['harvested_season', total || t('not_stated')],
      ['harvested_lots', kg(p.season_proven_mg) + ' (' + t('proven') + ')']];
    for (const [k, v] of pairs) if (v) dl.append(el('dt', {}, t(k)), el('dd', {}, v));
    return el('li', { class: 'origin-plot ' + (verified ? 'verified' : 'unverified'), 'data-plot': p.plot, 'data-verified': String(verified) },
      el('div', { class: 'ev-head' }, el('span', { class: 'ev-title' }, t('plot') + ' ' + p.plot),
        el('span', { class: 'ev-time' }, [p.genesis ? t('genesis_plot') : '', p.retired ? t('retired') : ''].filter(Boolean).join(' · '))), dl, mark(verified));
  }
  function intervalItem(i) {
    return el('li', { class: 'interval ' + (i.respected ? 'verified' : 'unbacked'), 'data-respected': String(i.respected) },
      i.product + (i.active_ingredient ? ' (' + i.active_ingredient + ')' : '') + ' — ' + i.phi_days + ' ' + t('days') + ': ' + t('applied') + ' ' +
      i.applied + ', ' + t('harvested') + ' ' + i.harvested + ' (' + i.lot + ') — ' + (i.respected ? t('respected') : t('not_respected')));
  }
  function claimItem(c) {
    const dl = el('dl', { class: 'ev-body' });
    const pairs = [['certificate', (c.certificate_id || short(c.certificate)) + (c.tonnage_mg ? ' · ' + t('tonnage') + ' ' + kg(c.tonnage_mg) : '')],
      ['standard', c.standard], ['quantity', kg(c.stated_mg) + (c.share !== null ? ' · ' + c.share + '% ' + t('of_product') : '')], ['plot', c.plots.join(', ')]];
    for (const [k, v] of pairs) if (v) dl.append(el('dt', {}, t(k)), el('dd', {}, v));
    const li = el('li', { class: 'claim ' + (c.backed ? 'verified' : 'unbacked'), 'data-claim': c.claim, 'data-backed': String(c.backed), 'data-verified': String(c.backed) },
      el('div', { class: 'ev-head' }, el('span', { class: 'ev-title' }, t(c.claim)), el('span', { class: 'ev-time' }, c.share !== null ? c.share + '%' : '')), dl,
      el('span', { class: 'badge ' + (c.backed ? 'ok' : 'bad') }, c.backed ? t('backed') : t('unbacked')));
    if (!c.backed) li.append(el('ul', { class: 'problems' }, el('li', {}, c.why)));
    return li;
  }
  function renderOrigin() {
    const box = document.getElementById('origin');
    const o = state.result && state.result.origin;
    const empty = !o || (!o.plots.length && !o.claims.length && !o.intervals.length && !o.compliance);
    box.hidden = empty;
    if (empty) return;
    const parts = [el('h2', {}, t('origin'))];
    if (o.plots.length) parts.push(el('ul', { class: 'origin-list' }, ...o.plots.map(plotItem)));
    if (o.intervals.length) parts.push(el('h3', {}, t('intervals')), el('ul', { class: 'intervals' }, ...o.intervals.map(intervalItem)));
    if (o.claims.length) parts.push(el('h3', {}, t('claims')), el('ul', { class: 'origin-list' }, ...o.claims.map(claimItem)));
    if (o.compliance) {
      const c = o.compliance, ok = !!c.record.verified;
      parts.push(el('h3', {}, t('compliance_cert')), el('div', { class: 'compliance ' + (ok ? 'verified' : 'unverified'), 'data-verified': String(ok) },
        fields([['basis', t(c.basis)], ['date', c.date], ['producer', who(c.producer)], ['pledge', t('commitment')]]), mark(ok)));
    }
    box.setAttribute('data-unbacked', String(o.claims.some((c) => !c.backed) || o.intervals.some((i) => !i.respected)));
    box.replaceChildren(...parts);
  }
  function render() {
    document.body.setAttribute('data-lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    renderSummary();
    renderChain();
    if (!state.result) return;
    document.getElementById('product-name').textContent = productName();
    document.getElementById('product-lot').textContent = config.lot + (config.serial ? ' · 21/' + config.serial : '');
    renderRecall();
    renderOrigin();
    document.getElementById('timeline').replaceChildren(...state.result.records.map(eventItem));
  }
  for (const b of document.querySelectorAll('[data-set-lang]')) {
    b.addEventListener('click', () => { lang = b.getAttribute('data-set-lang'); localStorage.setItem('agritrace-lang', lang); render(); });
  }
  render();
  fetch(config.bundle_path, { headers: { Accept: 'application/json' }, cache: 'no-store' })
    .then((res) => { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
    .then((bundle) => {
      state.bundle = bundle;
      state.result = window.AgriVerify.verifyBundle(bundle, { chain_id: config.chain_id, genesis_hash: config.genesis_hash, validators: config.validators,
        genesis_plots: config.genesis_plots || [] });
      render();
    })
    .catch((e) => { state.error = e.message; render(); });
})();
