"""markup.py - the one way text reaches HTML, gnuplot or Markdown.

Everything read from a CSV, a .meta or an experiment file is data. It goes
into HTML only through h() (which escapes <, >, &, both quotes, the backtick
and $), into gnuplot only as a field of a data file (tsv_field()), and into
Markdown only through md(). Sentences the report writes itself are Markup:
trusted markup, built with fmt(), whose arguments are escaped in turn.
"""
import html

_EXTRA = {ord("`"): "&#96;", ord("$"): "&#36;"}


class Markup(str):
    """HTML that is already safe: the report's own markup."""

    def __add__(self, other):
        return Markup(str(self) + str(h(other)))

    def __radd__(self, other):
        return Markup(str(h(other)) + str(self))


def h(x):
    """Text as HTML: escaped, unless it is already Markup."""
    if isinstance(x, Markup):
        return x
    return Markup(html.escape(str(x), quote=True).translate(_EXTRA))


def fmt(template, *args):
    """A sentence of the report's own (template is trusted) with every
    argument escaped: fmt("<i>%s</i> lost %s", name, "12 %")."""
    return Markup(template % tuple(a if isinstance(a, (int, float)) and not isinstance(a, bool) else h(a)
                                   for a in args))


def join(sep, parts):
    return Markup(str(h(sep)).join(str(h(p)) for p in parts))


def tsv_field(x):
    """A field of a gnuplot data file: gnuplot reads it as a string and
    never as a command, but a tab or newline would split it and a double
    quote would end it early, so those become spaces and single quotes."""
    s = str(x)
    for c in "\t\r\n":
        s = s.replace(c, " ")
    return s.replace('"', "'")


def plain_text(m):
    """Markup as plain text, for slides: tags dropped, entities resolved."""
    import re
    s = re.sub(r"<sup>(.*?)</sup>", r"^\1", str(m))
    s = re.sub(r"<[^>]+>", "", s)
    return html.unescape(s)


_MD = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>$\"'&"})


def md(x):
    """Text for pandoc Markdown: every character with a meaning escaped."""
    return str(x).translate(_MD)
