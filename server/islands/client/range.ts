// DOM helpers for comment-delimited ranges. An island owns the nodes between its start and end markers, not a whole
// element, so Preact renders into a stand-in parent that exposes only that range and inserts before the end marker.

/** The comment closing `start` among its following siblings (nested pairs skipped), or null when the parser moved it. */
export function matchingEnd(start: Node, open: string, close: string): Comment | null {
  let depth = 0;
  for (let n = start.nextSibling; n; n = n.nextSibling) {
    if (n.nodeType !== Node.COMMENT_NODE) continue;
    const data = (n as Comment).data;
    if (data.startsWith(open)) depth++;
    else if (data === close) {
      if (depth === 0) return n as Comment;
      depth--;
    }
  }
  return null;
}

export function between(start: Node, end: Node): Node[] {
  const out: Node[] = [];
  for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) out.push(n);
  return out;
}

/**
 * A parent-like object for `render(vnode, parent)` covering the nodes between two sibling comments. Preact reads
 * `firstChild`/`childNodes` to reuse the server DOM and calls `insertBefore`/`appendChild`/`removeChild`; a reference
 * node outside the range (Preact skips comments when looking for the next sibling) is clamped to the end marker.
 */
export function rangeParent(start: Comment, end: Comment): Node {
  const parent = start.parentNode!;
  const inRange = (ref: Node | null) => {
    for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) if (n === ref) return true;
    return false;
  };
  const fake = {
    nodeType: Node.ELEMENT_NODE,
    get namespaceURI() {
      return (parent as Element).namespaceURI;
    },
    get parentNode() {
      return parent;
    },
    get ownerDocument() {
      return parent.ownerDocument;
    },
    get firstChild() {
      return start.nextSibling === end ? null : start.nextSibling;
    },
    get childNodes() {
      return between(start, end);
    },
    insertBefore(node: Node, ref: Node | null) {
      parent.insertBefore(node, ref && inRange(ref) ? ref : end);
      return node;
    },
    appendChild(node: Node) {
      parent.insertBefore(node, end);
      return node;
    },
    removeChild(node: Node) {
      parent.removeChild(node);
      return node;
    },
    contains(node: Node | null) {
      for (let n = start.nextSibling; n && n !== end; n = n.nextSibling) {
        if (n === node || n.contains(node)) return true;
      }
      return false;
    },
  };
  return fake as unknown as Node;
}
