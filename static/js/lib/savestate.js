// The sheet's state line, one of three (or nothing on a sheet not yet touched):
// "tablet": the latest version is kept on the tablet, not yet acknowledged by the server;
// "offline": the same, while the tablet has no network (the browser says so, or the latest
//   attempt got no answer at all);
// "server": the server has acknowledged the version the sheet shows.
// record: the outbox's record of the sheet; server: what the server holds, as far as the page
// knows; online: navigator.onLine; sending: whether the outbox has it on its way now.
export function saveState(record, server, { online, sending }) {
  if (record.pending || record.edit) {
    const noAnswer = record.retry && record.retry.status === null && !sending;
    return !online || noAnswer ? "offline" : "tablet";
  }
  return server ? "server" : null;
}

// The newer of two versions of the sheet as the server holds it (each with updated_at, or null):
// a page the tablet kept offline may be older than the outbox's latest answer.
export function newerSheet(a, b) {
  if (!a || !b) return a || b || null;
  return Date.parse(b.updated_at) > Date.parse(a.updated_at) ? b : a;
}
