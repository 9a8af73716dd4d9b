import { DOMParser } from '@xmldom/xmldom';

/** One TwiML element: its name, attributes, child elements and its whole text content. */
export interface TwimlNode {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: readonly TwimlNode[];
  /** All descendant text joined, whitespace collapsed (SSML inside <Say> reads as plain text). */
  text: string;
}

export class TwimlParseError extends Error {
  override name = 'TwimlParseError';
}

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
  attributes?: ArrayLike<{ name: string; value: string }>;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

function textOf(node: DomNode): string {
  if (node.nodeType === TEXT || node.nodeType === CDATA) return node.nodeValue ?? '';
  if (node.nodeType !== ELEMENT) return '';
  // SSML <sub alias> is spoken as its alias, not its content.
  if (node.nodeName === 'sub') {
    const alias = attributesOf(node).alias;
    if (alias !== undefined) return alias;
  }
  const parts: string[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes[i];
    if (child) parts.push(textOf(child));
  }
  return parts.join(' ');
}

function attributesOf(el: DomNode): Record<string, string> {
  const attrs: Record<string, string> = {};
  const list = el.attributes;
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if (a) attrs[a.name] = a.value;
    }
  }
  return attrs;
}

function toNode(el: DomNode): TwimlNode {
  const attrs = attributesOf(el);
  const children: TwimlNode[] = [];
  for (let i = 0; i < el.childNodes.length; i++) {
    const child = el.childNodes[i];
    if (child?.nodeType === ELEMENT) children.push(toNode(child));
  }
  return { name: el.nodeName, attrs, children, text: textOf(el).replace(/\s+/g, ' ').trim() };
}

/** Parses a TwiML document; anything Twilio would log as 12100 (parse failure) throws. */
export function parseTwiml(xml: string): TwimlNode {
  const problems: string[] = [];
  let doc: { documentElement: DomNode | null } | undefined;
  try {
    doc = new DOMParser({
      onError: (level: string, message: string) => {
        if (level !== 'warning') problems.push(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new TwimlParseError(err instanceof Error ? err.message : String(err));
  }
  if (problems.length > 0) throw new TwimlParseError(problems.join('; '));
  const root = doc.documentElement;
  if (!root) throw new TwimlParseError('empty document');
  if (root.nodeName !== 'Response') {
    throw new TwimlParseError(`root element is <${root.nodeName}>, expected <Response>`);
  }
  return toNode(root);
}
