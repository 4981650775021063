// Building DOM without HTML strings: every text goes in as a text node or a
// property, so agent-provided strings (prompts, commands, paths, errors) are
// shown as the characters they are and never parsed as markup.

export type Child = Node | string | null | undefined | false;

export interface ElProps {
  readonly className?: string;
  /** textContent */
  readonly text?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title !== undefined) node.title = props.title;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) node.setAttribute(k, v);
  if (props.data) for (const [k, v] of Object.entries(props.data)) node.dataset[k] = v;
  if (props.text !== undefined) node.textContent = props.text;
  append(node, children);
  return node;
}

/** A custom element (vscode-elements) by tag name. */
export function custom(tag: string, props: ElProps = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title !== undefined) node.title = props.title;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) node.setAttribute(k, v);
  if (props.text !== undefined) node.textContent = props.text;
  append(node, children);
  return node;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Sets text only when it changed, reusing the text node (row recycling calls this often). */
export function setText(node: Element, text: string): void {
  const first = node.firstChild;
  if (first !== null && first === node.lastChild && first.nodeType === Node.TEXT_NODE) {
    const t = first as Text;
    if (t.data !== text) t.data = text;
    return;
  }
  if (node.textContent !== text) node.textContent = text;
}

export function setAttr(node: Element, name: string, value: string | null): void {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

export function clear(node: Element): void {
  node.replaceChildren();
}

/** Runs `fn` at most once per animation frame, with the latest arguments. */
export function perFrame<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  let pending: A | null = null;
  return (...args: A) => {
    const first = pending === null;
    pending = args;
    if (first) {
      requestAnimationFrame(() => {
        const a = pending as A;
        pending = null;
        fn(...a);
      });
    }
  };
}
