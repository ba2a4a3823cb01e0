// What the server hands a page's script: a JSON <script type="application/json"> block that the
// template renders (settings, the initial data, and every text the script may show, already
// translated).
export function readConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}
