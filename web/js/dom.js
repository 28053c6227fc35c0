// Small DOM helpers. Everything that comes from users or the server goes in
// as text (textContent, attribute values), never as HTML.

export const $ = (id) => document.getElementById(id);

// el('li', {class: 'x', dataset: {id: '1'}, onclick: f}, 'text', child, ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  node.replaceChildren();
}

export function show(node, visible) {
  node.hidden = !visible;
}

// A short, human-friendly plural: plural(3, 'member') === '3 members'.
export function plural(n, word, words = `${word}s`) {
  return `${n.toLocaleString()} ${n === 1 ? word : words}`;
}

// A link to hand over (an invite, a password reset): the URL in a read-only
// box, selected on focus, and a Copy button. label names the box.
export function copyField(url, label) {
  const input = el('input', { class: 'copy-field__url', readonly: true, value: url, 'aria-label': label, spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const status = el('span', { class: 'muted copy-field__status', role: 'status' });
  const button = el('button', {
    type: 'button',
    class: 'button button--tiny',
    text: 'Copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = 'Copied.';
      } catch {
        input.focus();
        input.select();
        status.textContent = 'Press Ctrl+C to copy.';
      }
    },
  });
  return el('div', { class: 'copy-field' }, input, button, status);
}

// A dialog form's submit: its button disabled while action runs, and a
// failure's message in error (the server's words). Resolves true on success.
export async function submitting(form, error, action) {
  const submit = form.querySelector('[type="submit"]');
  submit.disabled = true;
  error.textContent = '';
  try {
    await action();
    return true;
  } catch (err) {
    error.textContent = err.message;
    return false;
  } finally {
    submit.disabled = false;
  }
}
