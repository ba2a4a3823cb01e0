// What a judge reads about a sheet still on the tablet after failed attempts (an outbox record's
// retry): how many attempts, why the latest failed (the server's message, else its status, else
// that no answer came) and at what time. The page gives the translated sentence, with {attempts},
// {reason}, {time} and any name of values in braces; the outbox's config block gives the words
// of the reasons: { status: "... {status} ...", noAnswer: "...", signedOut: "..." }. A 401 means
// that the server no longer knows the tablet's session: the judge is told to scan their card.
export function troubleLine(sentence, retry, words, lang, values = {}) {
  let reason = retry.status === 401 && words.signedOut ? words.signedOut : retry.message;
  if (!reason) reason = retry.status ? fill(words.status, { status: retry.status }) : words.noAnswer;
  const time = new Date(retry.triedAt).toLocaleTimeString(lang, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return fill(sentence, { ...values, attempts: retry.attempts, reason, time });
}

// One pass over the sentence, so that braces in a title or a server's message stay as they are.
function fill(sentence, values) {
  return sentence.replace(/\{(\w+)\}/g, (placeholder, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : placeholder,
  );
}
