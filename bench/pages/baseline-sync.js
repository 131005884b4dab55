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
 * The WADO-URI addresses `urls` as the sync's batched requests carry them: runs of up to `batch`
 * images of one study, each image with its place in `urls`.
 */
function batchGroups(urls, batch) {
  const groups = [];
  urls.forEach((u, index) => {
    const q = new URL(u, location.href).searchParams;
    const image = { index, series: q.get('seriesUID'), sop: q.get('objectUID') };
    const study = q.get('studyUID');
    const last = groups.at(-1);
    if (last && last.study === study && last.items.length < batch) last.items.push(image);
    else groups.push({ study, items: [image] });
  });
  return groups;
}

/**
 * One batched retrieval as the sync asks for it (`POST /dicom-web/studies/{study}/instances/retrieve`,
 * the images as JSON), its answer not yet read. Used by the page and, sent as source, by the
 * worker of `storeBatchedInWorker`: it may use nothing else from here.
 */
async function batchedRetrieve(origin, group) {
  const response = await fetch(`${origin}/dicom-web/studies/${group.study}/instances/retrieve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      instances: group.items.map((i) => ({ seriesInstanceUid: i.series, sopInstanceUid: i.sop })),
    }),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`batched retrieval answered ${response.status}`);
  return response;
}

/**
 * The same images fetched the way the sync now fetches them, without storing anything: in batched
 * requests (`POST /dicom-web/studies/{study}/instances/retrieve`, `batch` images of one study a
 * request, `parallel` requests at a time), each multipart answer read whole and dropped. Says what
 * the transport alone does beside the one-image-a-request plain fetch.
 */
async function fetchBatched(urls, parallel, batch) {
  const groups = batchGroups(urls, batch);
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++];
      const response = await batchedRetrieve(location.origin, group);
      // read first, then add: `bytes += await …` would add to the value before the await
      const got = (await response.arrayBuffer()).byteLength;
      bytes += got;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, groups.length) }, worker));
  return { ms: performance.now() - started, bytes, requests: groups.length };
}

/**
 * The least a page does to bring the images in as the sync does and keep them as the cache does:
 * in a dedicated worker (where the sync runs), batched requests of `batch` images of a study
 * (`parallel` at a time, the sync's background request slots), each answer read whole and cut
 * into its parts by their Content-Length; each part sealed with AES-GCM and stored as
 * `Blob([magic, iv, ciphertext])` (`mode` `sealed`, the cache's default) or as a `Blob` of its
 * bytes (`plain`); put into a plain object store, a transaction as soon as 10 wait, at most 48 a
 * transaction, one at a time (the engine's `batchSize` and `maxWriteBatch`). No verification, no
 * Dexie, no indexes, no progress rows, no page drawn. Fails unless every image is stored. The
 * clock runs from the first request to the last transaction complete.
 */
async function storeBatchedInWorker(urls, parallel, batch, mode) {
  const source = `${batchedRetrieve.toString()}\n(${batchedStoreWorker.toString()})();`;
  const code = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(code);
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (event) =>
        event.data.error ? reject(new Error(event.data.error)) : resolve(event.data);
      worker.onerror = (event) => reject(new Error(event.message || 'the floor worker failed'));
      worker.postMessage({
        groups: batchGroups(urls, batch),
        count: urls.length,
        origin: location.origin,
        parallel,
        mode,
      });
    });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(code);
  }
}

/**
 * The worker of `storeBatchedInWorker`, sent as its source with `batchedRetrieve`'s: it may use
 * nothing else from here.
 */
function batchedStoreWorker() {
  const MAGIC = new Uint8Array([0x54, 0x44, 0x4d, 0x31]);
  const MAX_WRITE = 48;
  const MIN_WRITE = 10;

  self.onmessage = async (event) => {
    try {
      self.postMessage(await run(event.data));
    } catch (err) {
      self.postMessage({ error: String(err) });
    }
  };

  /** Where the blank line after a part's headers starts, from `at`; -1 when there is none. */
  function headersEnd(bytes, at) {
    for (let i = at; i + 3 < bytes.length; i++) {
      if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
        return i;
      }
    }
    return -1;
  }

  async function run({ groups, count, origin, parallel, mode }) {
    const name = `tandem-bench-floor-batched-${Math.random().toString(36).slice(2)}`;
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('files');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => resolve(req.result);
    });
    const key =
      mode === 'sealed'
        ? await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt'])
        : null;
    let failed = null;
    let bytes = 0;
    let transactions = 0;
    let writing = false;
    let fetching = 0;
    const pending = [];
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    const write = () => {
      if (writing || !pending.length || (pending.length < MIN_WRITE && fetching > 0)) return;
      writing = true;
      transactions++;
      const tx = db.transaction('files', 'readwrite');
      const store = tx.objectStore('files');
      for (const [k, value] of pending.splice(0, MAX_WRITE)) store.put(value, k);
      const done = (err) => {
        if (err) failed ??= err;
        writing = false;
        write();
        if (!writing && fetching === 0 && !pending.length) finish();
      };
      tx.oncomplete = () => done(null);
      tx.onabort = () => done(tx.error ?? new Error('a floor transaction was aborted'));
    };
    const keep = async (index, part) => {
      bytes += part.byteLength;
      let value;
      if (key) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, part);
        value = new Blob([MAGIC, iv, sealed]);
      } else {
        value = new Blob([part]);
      }
      pending.push([index, value]);
      write();
    };
    const started = performance.now();
    let next = 0;
    const fetcher = async () => {
      fetching++;
      try {
        while (next < groups.length) {
          const group = groups[next++];
          const response = await batchedRetrieve(origin, group);
          const answer = new Uint8Array(await response.arrayBuffer());
          const kept = [];
          let at = 0;
          for (const item of group.items) {
            const end = headersEnd(answer, at);
            const length = /content-length:\s*(\d+)/i.exec(
              new TextDecoder().decode(answer.subarray(at, Math.max(at, end))),
            );
            if (end < 0 || !length) throw new Error('a part of a batched answer has no length');
            const from = end + 4;
            const to = from + Number(length[1]);
            kept.push(keep(item.index, answer.subarray(from, to)));
            at = to;
          }
          await Promise.all(kept);
        }
      } finally {
        fetching--;
        write();
        if (!writing && fetching === 0 && !pending.length) finish();
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, groups.length) }, fetcher));
    await finished;
    const ms = performance.now() - started;
    const stored = await new Promise((resolve, reject) => {
      const count = db.transaction('files').objectStore('files').count();
      count.onsuccess = () => resolve(count.result);
      count.onerror = () => reject(count.error);
    });
    db.close();
    indexedDB.deleteDatabase(name);
    if (failed) throw failed;
    if (stored !== count) throw new Error(`the floor stored ${stored} of ${count}`);
    return { ms, bytes, transactions };
  }
}

window.tandemBenchFloor = { fetchAndStore, fetchBatched, storeBatchedInWorker };
