"""A small HTML tree for table scoring, built with the standard library parser.

It keeps what TEDS needs: element tags, colspan/rowspan, and text in document order. Tags listed in
``ignore`` are dissolved (their children and text move to the parent), like lxml's ``strip_tags``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass
class HtmlNode:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[HtmlNode | str] = field(default_factory=list)

    def elements(self) -> list[HtmlNode]:
        return [c for c in self.children if isinstance(c, HtmlNode)]

    def descendant_count(self) -> int:
        return sum(1 + c.descendant_count() for c in self.elements())


class _TreeBuilder(HTMLParser):
    def __init__(self, ignore: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.root = HtmlNode("#document")
        self.stack: list[HtmlNode] = [self.root]
        self.ignore = ignore

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.ignore:
            return
        node = HtmlNode(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.ignore:
            return
        self.stack[-1].children.append(HtmlNode(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.ignore or tag in VOID_TAGS:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching open tag
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str, ignore: tuple[str, ...] | frozenset[str] = ()) -> HtmlNode:
    builder = _TreeBuilder(frozenset(t.lower() for t in ignore))
    builder.feed(text)
    builder.close()
    return builder.root


def find_table(node: HtmlNode) -> HtmlNode | None:
    """The first <table> in document order."""
    for child in node.elements():
        if child.tag == "table":
            return child
        found = find_table(child)
        if found is not None:
            return found
    return None


def content_tokens(node: HtmlNode) -> list[str]:
    """Tokens of an element's content as the PubTabNet scorer makes them: characters and inner tags."""
    tokens: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            tokens.extend(child)
        else:
            tokens.append(f"<{child.tag}>")
            tokens.extend(content_tokens(child))
            if child.tag != "unk":
                tokens.append(f"</{child.tag}>")
    return tokens
