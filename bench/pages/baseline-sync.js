// Diagnostic floors of the sync figures (bench/README.md, figure 6): the bare page fetching the
// same instances as the sync worker and writing each into IndexedDB with no verification, no
// progress rows and no Dexie, so a run says how much of the gap to a plain fetch is Chromium's
// IndexedDB write on this machine and how much is Tandem's own work. Plain JavaScript, added to
// the baseline page (`baseline.js`) as a second script; the clock runs from the first request to
// the last transaction complete.

const FLOOR_DB = 'tandem-bench-floor';

function openFloorDb() {
  return new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase(FLOOR_DB);
    del.onerror = () => reject(del.error);
    del.onsuccess = () => {
      const req = indexedDB.open(FLOOR_DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('files');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => resolve(req.result);
    };
  });
}

function putAll(db, entries) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('files', 'readwrite');
    const store = tx.objectStore('files');
    for (const [key, value] of entries) store.put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const MAGIC = new Uint8Array([0x54, 0x44, 0x4d, 0x31]);

/**
 * `mode`: `blob` stores `response.blob()` as it came; `sealed` reads the body into memory, seals
 * it with AES-GCM (a fresh key, a random IV per file) and stores `Blob([magic, iv, ciphertext])`
 * as Tandem does at rest. Bodies that arrive while a write is under way go in the next one
 * (one transaction per batch, as the sync engine batches).
 */
async function fetchAndStore(urls, parallel, mode) {
  const db = await openFloorDb();
  const key =
    mode === 'sealed'
      ? await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt'])
      : null;
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  let transactions = 0;
  let pending = [];
  let writing = null;
  let failed = null;
  // one transaction at a time; what arrives meanwhile goes in the next
  const flush = () => {
    if (writing || !pending.length) return writing ?? Promise.resolve();
    const batch = pending;
    pending = [];
    transactions++;
    writing = putAll(db, batch)
      .catch((err) => (failed = err))
      .then(() => {
        writing = null;
        return flush();
      });
    return writing;
  };
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      const response = await fetch(urls[i], { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) throw new Error(`WADO-URI answered ${response.status}`);
      let value;
      if (key) {
        const plain = await response.arrayBuffer();
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
        bytes += plain.byteLength;
        value = new Blob([MAGIC, iv, sealed]);
      } else {
        value = await response.blob();
        bytes += value.size;
      }
      pending.push([i, value]);
      void flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, urls.length) }, worker));
  while (writing || pending.length) await flush();
  const ms = performance.now() - started;
  db.close();
  indexedDB.deleteDatabase(FLOOR_DB);
  if (failed) throw failed;
  return { ms, bytes, transactions };
}

/**
 * The same images fetched the way the sync now fetches them, without storing anything: in batched
 * requests (`POST /dicom-web/studies/{study}/instances/retrieve`, `batch` images of one study a
 * request, `parallel` requests at a time), each multipart answer read whole and dropped. Says what
 * the transport alone does beside the one-image-a-request plain fetch.
 */
async function fetchBatched(urls, parallel, batch) {
  const images = urls.map((u) => {
    const q = new URL(u, location.href).searchParams;
    return { study: q.get('studyUID'), series: q.get('seriesUID'), sop: q.get('objectUID') };
  });
  const groups = [];
  for (const image of images) {
    const last = groups.at(-1);
    if (last && last.study === image.study && last.items.length < batch) last.items.push(image);
    else groups.push({ study: image.study, items: [image] });
  }
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++];
      const response = await fetch(`/dicom-web/studies/${group.study}/instances/retrieve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          instances: group.items.map((i) => ({
            seriesInstanceUid: i.series,
            sopInstanceUid: i.sop,
          })),
        }),
        cache: 'no-store',
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`batched retrieval answered ${response.status}`);
      // read first, then add: `bytes += await …` would add to the value before the await
      const got = (await response.arrayBuffer()).byteLength;
      bytes += got;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, groups.length) }, worker));
  return { ms: performance.now() - started, bytes, requests: groups.length };
}

window.tandemBenchFloor = { fetchAndStore, fetchBatched };
