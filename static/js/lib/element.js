// An element of the page, with its class and its text (neither when not given): what every
// renderer of the screens and the MC tablet builds its parts from.
export function element(tag, className, text) {
  const found = document.createElement(tag);
  if (className) found.className = className;
  if (text !== undefined) found.textContent = text;
  return found;
}
