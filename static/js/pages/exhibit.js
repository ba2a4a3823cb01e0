// A booth's page: a phone that holds a ballot of this event is offered the vote for this exhibit.
// Posting from here records that the phone opened the booth's code (the informed vote needs it).
import { heldBallot } from "#lib/ballot.js";

const form = document.getElementById("exhibit-vote");
const token = form && heldBallot(form.dataset.event);
if (token) {
  form.action = `/b/${encodeURIComponent(token)}/scans/${encodeURIComponent(form.dataset.exhibit)}`;
  form.hidden = false;
}
