"""Wikipedia articles as plain text: MediaWiki markup stripped, read from a bz2 XML dump.

Articles in a dump are written in wikitext, not prose: ``[[target|label]]`` links,
``{{templates}}``, ``{| tables |}``, ``<ref>`` footnotes, ``'''bold'''`` quotes and
HTML entities.  :func:`clean_wiki_markup` keeps only what a reader of the rendered page
would see, and :func:`wiki_articles` streams the articles out of a compressed dump one
page at a time, so even a dump of many gigabytes never has to fit in memory.
:func:`wiki_text` puts the two together: one cleaned article per line.
"""

from __future__ import annotations

import bz2
import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CLEANING_VERSION", "clean_wiki_markup", "wiki_articles", "wiki_text"]

#: Bump when the cleaning changes, so text cleaned by an older version is rebuilt.
CLEANING_VERSION = 1

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Tags whose content is not prose: references, maths, galleries, code, ...
_DROP_ELEMENT_RE = re.compile(
    r"<(ref|math|gallery|timeline|score|syntaxhighlight|source|pre|code|imagemap|hiero)\b[^>]*?"
    r"(?:/>|>.*?</\1\s*>)",
    re.DOTALL | re.IGNORECASE,
)
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
# A link with no link inside; single brackets may occur in image captions: [[File:x|a [b] c]].
_INNER_LINK_RE = re.compile(r"\[\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\]")
_DROPPED_LINK_PREFIXES = ("file", "image", "category", "media")
_LANGUAGE_PREFIX_RE = re.compile(r"[a-z]{2,3}(?:-[a-z]+)?")
_EXTERNAL_LINK_RE = re.compile(r"\[(?:https?:|ftp:)?//[^\s\]]*\s*([^\]]*)\]")
_BARE_URL_RE = re.compile(r"(?:https?|ftp)://\S+")
_EMPHASIS_RE = re.compile(r"'{2,}")
# [ \t] rather than \s: \s would run across newlines into the next heading.
_HEADING_RE = re.compile(r"^[ \t]*=+[ \t]*(.*?)[ \t]*=+[ \t]*$", re.MULTILINE)
_MAGIC_WORD_RE = re.compile(r"__[A-Z]+__")


# --------------------------------------------------------------------------- markup


def _remove_nested(text: str, opening: str, closing: str) -> str:
    """Remove every balanced ``opening ... closing`` span, including nested ones.

    An unmatched closing mark is dropped; an unclosed opening one removes the rest.
    """
    marks = re.compile(re.escape(opening) + "|" + re.escape(closing))
    kept = []
    depth = 0
    start = 0
    for mark in marks.finditer(text):
        if mark.group() == opening:
            if depth == 0:
                kept.append(text[start : mark.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                start = mark.end()
        else:  # a stray closing mark outside any span
            kept.append(text[start : mark.start()])
            start = mark.end()
    if depth == 0:
        kept.append(text[start:])
    return "".join(kept)


def _link_text(match: re.Match[str]) -> str:
    """What a reader sees for an internal link ``[[target|label]]``."""
    target, _, label = match.group(1).partition("|")
    prefix, colon, _ = target.partition(":")
    if colon:
        prefix = prefix.strip().lower()
        # Images and categories are not prose; [[de:Foo]] is a link to another language.
        if prefix in _DROPPED_LINK_PREFIXES or (
            not label and _LANGUAGE_PREFIX_RE.fullmatch(prefix)
        ):
            return ""
    # With several pipes the label is the last part ([[File:x|thumb|caption]] aside).
    return label.rpartition("|")[2] if label else target


def clean_wiki_markup(text: str) -> str:
    """Reduce MediaWiki markup to the plain text a reader sees.

    Removed: comments, ``<ref>`` and similar elements with their content, other HTML
    tags, templates ``{{...}}`` and tables ``{| ... |}`` (nested ones too), image and
    category links, bare URLs, magic words.  Kept: the label of ``[[target|label]]``,
    the target of ``[[target]]``, the label of ``[http://... label]``, heading text.
    Bold and italic quotes go, and HTML entities are decoded.

    Parameters
    ----------
    text : str
        The wikitext of one article.

    Returns
    -------
    str
        The plain text; line breaks are kept, spacing may be uneven.
    """
    text = _COMMENT_RE.sub("", text)
    text = _DROP_ELEMENT_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text)
    text = _remove_nested(text, "{{", "}}")
    text = _remove_nested(text, "{|", "|}")
    # Innermost links first, so a link inside an image caption goes with the image.
    while True:
        text, n = _INNER_LINK_RE.subn(_link_text, text)
        if n == 0:
            break
    text = _EXTERNAL_LINK_RE.sub(r" \1 ", text)
    text = _BARE_URL_RE.sub(" ", text)
    text = _EMPHASIS_RE.sub("", text)
    text = _HEADING_RE.sub(r"\1", text)
    text = _MAGIC_WORD_RE.sub(" ", text)
    text = html.unescape(text)
    # Entities such as &lt;ref&gt; only become tags once unescaped.
    text = _DROP_ELEMENT_RE.sub(" ", text)
    return _TAG_RE.sub(" ", text)


# --------------------------------------------------------------------------- the dump


def wiki_articles(path: Path) -> Iterator[str]:
    """Yield the wikitext of each main-namespace, non-redirect page of a bz2 XML dump.

    Parameters
    ----------
    path : Path
        A ``pages-articles`` dump, compressed with bzip2.

    Yields
    ------
    str
        The raw wikitext of one article, in the order of the dump.
    """
    with bz2.open(path, "rb") as stream:
        namespace, redirect, text = "", False, ""
        for _event, element in ElementTree.iterparse(stream, events=("end",)):
            tag = element.tag.rpartition("}")[2]  # drop the XML namespace
            if tag == "ns":
                namespace = element.text or ""
            elif tag == "redirect":
                redirect = True
            elif tag == "text":
                text = element.text or ""
            elif tag == "page":
                if (
                    namespace == "0"
                    and not redirect
                    and not text.lstrip().upper().startswith("#REDIRECT")
                ):
                    yield text
                namespace, redirect, text = "", False, ""
                element.clear()  # free the page: a full dump is gigabytes


def wiki_text(path: Path) -> str:
    """Return the cleaned articles of a bz2 XML dump, one per line.

    Runs of whitespace (line breaks included) become single spaces, and articles left
    with no text are skipped.

    Parameters
    ----------
    path : Path
        A ``pages-articles`` dump, compressed with bzip2.

    Returns
    -------
    str
        One article per line, ending with a newline.
    """
    lines = (" ".join(clean_wiki_markup(article).split()) for article in wiki_articles(path))
    return "\n".join(line for line in lines if line) + "\n"
