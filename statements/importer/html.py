"""The text of an HTML article, by one documented rule (docs/importer.md).

Pure Python over the standard library's `html.parser`, deterministic:

- the article is the first `<article>` element, else `<main>`, else `<body>`;
- inside it, each `<p>`, `<h2>`–`<h6>`, `<li>`, `<blockquote>`, `<pre>`, `<dt>`
  and `<dd>` is a paragraph, one line of the text, in document order (a block
  inside another ends the outer one's paragraph); the first `<h1>` is the
  headline, the statement's title, not a paragraph;
- nothing inside `<script>`, `<style>`, `<noscript>`, `<template>`, `<nav>`,
  `<aside>`, `<footer>`, `<form>`, `<button>`, `<figure>`, `<svg>`, `<iframe>` or
  an element marked `hidden`/`aria-hidden="true"` counts;
- entities are decoded, `<br>` is a space, runs of whitespace are one space, a
  paragraph is stripped, and empty paragraphs are dropped.

Besides the text it reads what the page says of itself, never guessing: the
title (`og:title`, else the first `<h1>`, else `<title>`), the canonical URL
(`<link rel="canonical">`, else `og:url`), the publisher (`og:site_name`) and the
publication date (`article:published_time`, else a `<time datetime>` in the
article) and the language (`<html lang>`), each None when the page does not say.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "footer",
        "form",
        "button",
        "figure",
        "svg",
        "iframe",
        "select",
        "option",
        "head",
    ]
)
BLOCKS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"]
)
CONTAINERS = ("article", "main", "body")
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_SPACE = re.compile(r"\s+")


@dataclass
class HtmlArticle:
    """The text of an HTML article and what the page says about itself."""

    text: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    paragraphs: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth = 0
        self.blocks: dict[str, list[str]] = {name: [] for name in CONTAINERS}
        self.inside = dict.fromkeys(CONTAINERS, 0)
        self.seen_article = False
        self.current: list[str] | None = None
        self.block_depth = 0
        self.block_tag = ""
        self.meta: dict[str, str] = {}
        self.h1: str | None = None
        self.title_parts: list[str] = []
        self.in_title = False
        self.time: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key and attributes.get("content") and key not in self.meta:
                self.meta[key] = attributes["content"]
            return
        if tag == "link":
            if "canonical" in (attributes.get("rel") or "").split():
                self.meta.setdefault("canonical", attributes.get("href") or "")
            return
        if tag == "html" and attributes.get("lang"):
            self.meta.setdefault("lang", attributes["lang"])
        if tag == "br" and self.current is not None:
            self.current.append(" ")
        if tag in VOID:
            return
        self.stack.append(tag)
        hidden = "hidden" in attributes or attributes.get("aria-hidden") == "true"
        if self.skip_depth or tag in SKIPPED or hidden:
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if (
            tag == "time"
            and self.time is None
            and attributes.get("datetime")
            and (self.inside["article"] or not self.seen_article)
        ):
            self.time = attributes["datetime"]
        # Only the first <article> is the article (others are teasers).
        if tag in CONTAINERS and (tag != "article" or not self.seen_article):
            self.inside[tag] += 1
            if tag == "article":
                self.seen_article = True
        if tag in BLOCKS:
            if self.current is not None and tag != "blockquote":
                self._end_block()
            if self.current is None:
                self.current = []
                self.block_depth = len(self.stack)
                self.block_tag = tag

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            else:
                if open_tag == "title":
                    self.in_title = False
                if self.current is not None and len(self.stack) < self.block_depth:
                    self._end_block()
                if open_tag in CONTAINERS and self.inside[open_tag]:
                    self.inside[open_tag] -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.in_title:
            self.title_parts.append(data)
        if self.current is not None:
            self.current.append(data)

    def _end_block(self):
        paragraph = _SPACE.sub(" ", "".join(self.current or [])).strip()
        self.current = None
        if not paragraph:
            return
        if self.block_tag == "h1":
            # The headline is the statement's title, not part of its text.
            self.h1 = self.h1 or paragraph
            return
        for name in CONTAINERS:
            if self.inside[name]:
                self.blocks[name].append(paragraph)


def read_html(html: str) -> HtmlArticle:
    """The article's text (one paragraph a line) and its metadata."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    if reader.current is not None:
        reader._end_block()
    paragraphs = next(
        (reader.blocks[name] for name in CONTAINERS if reader.blocks[name]), []
    )
    meta = reader.meta
    title = _SPACE.sub(" ", "".join(reader.title_parts)).strip() or None
    return HtmlArticle(
        text="\n".join(paragraphs),
        title=meta.get("og:title") or reader.h1 or title,
        url=meta.get("canonical") or meta.get("og:url") or None,
        publisher=meta.get("og:site_name") or None,
        published=meta.get("article:published_time") or reader.time,
        language=meta.get("lang") or None,
        paragraphs=paragraphs,
    )


def looks_like_html(content: str) -> bool:
    """Whether a document is HTML: it starts (after space) with a tag."""
    return bool(_HTML_START.match(content))


_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|body|article|p)\b", re.I)
