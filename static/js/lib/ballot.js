// The ballot this phone holds, remembered for the booths' pages: a phone that opens a booth's QR
// code can then vote for it (and, for an informed vote, prove it opened the code). The ballot's
// link stays the credential; this is only the phone's memory of it, per event.
const KEY = "sangtao.ballot";

export function rememberBallot(event, token) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ event, token }));
  } catch {
    // Private browsing without storage: the voter votes from the ballot's page instead.
  }
}

export function forgetBallot() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}

export function heldBallot(event) {
  try {
    const held = JSON.parse(localStorage.getItem(KEY) || "null");
    return held && held.event === event ? held.token : null;
  } catch {
    return null;
  }
}
