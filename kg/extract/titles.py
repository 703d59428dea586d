"""Role titles written with a person's name: "US Secretary of State Antony Blinken",
"Mohamed Hamdan Dagalo, the RSF commander", "army spokesman Colonel Souleymane Dembele"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def key_of(entry: object | None) -> str | None:
    """The key of a gazetteer entry (or None)."""
    return None if entry is None else str(getattr(entry, "key", None) or "") or None


def types_of(gazetteer: Gazetteer, key: str | None) -> tuple[str, ...]:
    """The ontology types of a gazetteer key (empty when unknown)."""
    entry = gazetteer.get(key) if key else None
    return tuple(getattr(entry, "types", ())) if entry is not None else ()


def _is_titleish(token: Token, lexicon: Lexicon) -> bool:
    low = token.lower_
    if token.pos_ in {"DET", "PRON", "VERB", "AUX", "PUNCT", "CCONJ", "SCONJ", "NUM", "PART"}:
        return False
    if low in lexicon.title_heads or low in lexicon.title_words:
        return True
    return token.is_title or (token.is_upper and len(token) > 1)


def find_title(doc: Doc, name: Span, lexicon: Lexicon) -> tuple[int, str] | None:
    """The role title written right before a person's name ("US Secretary of State").

    Returns:
        The document index where the title run starts and the title text, or None.
    """
    start = name.start
    i = start - 1
    sent_start = name.sent.start
    while i >= sent_start:
        token = doc[i]
        if (
            token.lower_ in {"of", "for"}
            and i - 1 >= sent_start
            and doc[i - 1].is_title
            and (i + 1 < start)
        ):
            i -= 1
            continue
        if token.text in {"-"} and i - 1 >= sent_start:
            i -= 1
            continue
        if not _is_titleish(token, lexicon):
            break
        i -= 1
    run_start = i + 1
    if run_start >= start:
        return None
    words = doc[run_start:start]
    if not any(t.lower_ in lexicon.title_heads for t in words):
        return None
    return run_start, " ".join(t.text for t in words)


TITLE_PREPS = {"for", "of", "to"}

RANKS = {
    "colonel",
    "general",
    "major",
    "lieutenant",
    "captain",
    "admiral",
    "marshal",
    "brigadier",
    "sergeant",
    "senior",
    "field",
    "col.",
    "gen.",
    "maj.",
    "lt.",
}


GENERAL_COMPOUNDS = {
    "secretary",
    "attorney",
    "director",
    "governor",
    "inspector",
    "surgeon",
    "solicitor",
    "auditor",
    "consul",
    "secretary-",
}


def split_ranks(title: str) -> list[str]:
    """Separate a military rank from the office before it.

    >>> split_ranks("army spokesman Colonel")
    ['army spokesman', 'Colonel']
    >>> split_ranks("Senior General")
    ['Senior General']
    >>> split_ranks("Secretary General")
    ['Secretary General']
    """
    words = title.split()
    cut = len(words)
    while cut > 0 and words[cut - 1].lower() in RANKS:
        cut -= 1
    if 0 < cut < len(words) and words[cut - 1].lower() not in GENERAL_COMPOUNDS:
        return [" ".join(words[:cut]), " ".join(words[cut:])]
    return [title]


def find_appositive_title(
    name_head: Token, lexicon: Lexicon, gazetteer: Gazetteer
) -> tuple[str, str | None] | None:
    """A title given in an appositive: "Mohamed Dagalo, the RSF commander," -> "commander".

    Returns:
        The title and the organisation or state it names ("rapid-support-forces"), or None.
    """
    titles = [c for c in name_head.children if c.dep_ == "appos"]
    if name_head.dep_ == "appos":
        titles.append(name_head.head)  # "the government's chief negotiator, Vera Grabe,"
        prep = name_head.head.head  # "Pakistan's envoy for Sudan, Tom Lee,": the parser hangs
        if name_head.head.dep_ == "pobj" and prep.lower_ in TITLE_PREPS:  # the name on "Sudan"
            titles.append(prep.head)
    for child in titles:
        if child.lemma_.lower() in lexicon.title_heads:
            words = [t for t in child.subtree if t.dep_ not in {"det", "punct", "case"}]
            if child is name_head.head:
                words = [t for t in words if t.i < name_head.left_edge.i]
            words = [t for t in words if not (t.dep_ == "poss" or t.head.dep_ == "poss")]
            words = [t for t in words if t.i <= child.i]
            # "Pakistan's special representative": the owner is the title's state or body
            affiliation: str | None = next(
                (
                    key_of(gazetteer.lookup(c.text))
                    for c in child.children
                    if c.dep_ == "poss" and gazetteer.lookup(c.text) is not None
                ),
                None,
            )
            while words and gazetteer.lookup(words[0].text) is not None:
                affiliation = affiliation or key_of(gazetteer.lookup(words[0].text))
                words = words[1:]
            if words:
                return " ".join(t.text for t in words), affiliation
    return None


def title_affiliation(
    doc: Doc, title_start: int, name_start: int, gazetteer: Gazetteer
) -> tuple[str | None, str | None]:
    """A state or organisation named inside or before a title ("US", "Hamas leader")."""
    country: str | None = None
    member: str | None = None
    start = title_start
    if start >= 2 and doc[start - 1].tag_ == "POS":
        start = doc[start - 2].left_edge.i
    for token in doc[start:name_start]:
        entry = gazetteer.lookup(token.text) or gazetteer.lookup_demonym(token.text)
        if entry is None:
            continue
        types = tuple(getattr(entry, "types", ()))
        if "State" in types and country is None:
            country = key_of(entry)
        elif member is None and set(types) & {"ArmedGroup", "InternationalOrganization"}:
            member = key_of(entry)
    return country, member


def strip_affiliation(
    title: str, doc: Doc, title_start: int, name_start: int, gazetteer: Gazetteer
) -> str:
    words = [t for t in doc[title_start:name_start] if t.text in title.split()]
    while words and (
        gazetteer.lookup(words[0].text) is not None
        or gazetteer.lookup_demonym(words[0].text) is not None
    ):
        words = words[1:]
    return " ".join(t.text for t in words)


def find_counterpart_title(
    name_head: Token,
    names: list[tuple[int, int, str, str | None]],
    lexicon: Lexicon,
    gazetteer: Gazetteer,
) -> tuple[str, str | None] | None:
    """ "Armenian Foreign Minister Ararat Mirzoyan and his Azerbaijani counterpart Jeyhun
    Bayramov": a counterpart holds the other person's title, for the state its modifier names.

    Returns:
        The title and the state key of the counterpart's demonym (or None), or None.
    """
    counterpart = name_head.head
    if name_head.dep_ != "appos" or counterpart.lemma_.lower() != "counterpart":
        return None
    if counterpart.dep_ != "conj":
        return None
    other = counterpart.head
    doc = name_head.doc
    for start, end, _label, _key in names:
        if start <= other.i < end:
            found = find_title(doc, doc[start:end], lexicon)
            if found is None:
                return None
            title = strip_affiliation(found[1], doc, found[0], start, gazetteer)
            country = None
            for child in counterpart.children:
                if child.dep_ in {"amod", "compound"}:
                    entry = gazetteer.lookup_demonym(child.text)
                    if entry is not None and "State" in entry.types:
                        country = key_of(entry)
            return (title, country) if title else None
    return None
