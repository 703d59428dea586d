"""Dependency-parse helpers shared by event extraction: conjuncts, entities, subjects, objects.

Pure functions over spaCy tokens; entity knowledge comes in as a token -> entity key map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

SUBJ = {"nsubj", "nsubjpass", "csubj"}
LIGHT_VERBS = {
    "end",
    "make",
    "issue",
    "reiterate",
    "repeat",
    "launch",
    "carry",
    "conduct",
    "hold",
    "announce",
    "express",
    "continue",
    "stage",
    "mount",
    "begin",
    "resume",
    "deliver",
    "renew",
    "step",
    "escalate",
    "order",
    "lead",
    "voice",
    "sound",
    "give",
    "attend",
    "join",
    "host",
    "chair",
    "convene",
    "open",
    "start",
    "intensify",
    "expand",
    "sign",
    "reach",
    "conclude",
    "seal",
    "agree",
    "impose",
    "broker",
}
TARGET_PREPS = {"on", "against", "upon"}
PARTICIPANT_PREPS = {"with", "between", "among"}
SYMMETRIC = {"Meeting", "Negotiation"}
SPEECH_CLASSES = {"Statement", "Threat", "Demand", "Accusation"}
CONTAINERS = {"Proposal", "Agreement"}
VISIT_VERBS = {"arrive", "land", "travel", "be", "stay", "visit"}


def conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(conjuncts(child))
    return out


def entity(token: Token, token_entity: dict[int, str]) -> str | None:
    return token_entity.get(token.i)


OBJECT_CONTROL = {
    "ask",
    "urge",
    "press",
    "pressure",
    "push",
    "call",
    "persuade",
    "invite",
    "tell",
    "force",
    "allow",
    "order",
    "encourage",
    "warn",
    "help",
    "prompt",
    "request",
    "require",
    "enable",
    "authorize",
    "authorise",
    "compel",
    "advise",
    "instruct",
    "convince",
    "get",
    "want",
    "expect",
    "need",
    "implore",
    "permit",
    "lead",
    "cause",
}
QUANTITY_NOUNS = {
    "dozen",
    "dozens",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "score",
    "scores",
    "number",
    "handful",
    "tens",
    "group",
    "some",
    "many",
    "most",
    "all",
}
GROUP_HEADS = {
    "coalition",
    "alliance",
    "gang",
    "militia",
    "movement",
    "group",
    "faction",
    "fighters",
    "militants",
    "rebels",
    "insurgents",
}


REPRESENTATIVES = {
    "minister",
    "leader",
    "delegation",
    "delegate",
    "representative",
    "envoy",
    "negotiator",
    "president",
    "head",
    "official",
}


def antecedent(token: Token) -> Token:
    """The noun a relative pronoun stands for: "Erdogan, who mediated the talks" -> Erdogan."""
    if token.tag_ in {"WP", "WDT"} and token.head.dep_ == "relcl" and token.dep_ in SUBJ:
        return token.head.head
    return token


def through_quantity(token: Token) -> Token:
    """The noun a quantity is of: "dozens of protesters" -> protesters."""
    if token.lower_ in QUANTITY_NOUNS or token.pos_ == "NUM":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
    return token


def _group_head_entity(token: Token, token_entity: dict[int, str]) -> str | None:
    """ "the Viv Ansanm gang coalition": a group noun named by its compound modifiers."""
    if token.pos_ != "NOUN" or token.lower_ not in GROUP_HEADS:
        return None
    stack = [c for c in token.children if c.dep_ == "compound"]
    while stack:
        child = stack.pop()
        key = entity(child, token_entity)
        if key is not None:
            return key
        stack.extend(c for c in child.children if c.dep_ == "compound")
    return None


def appositive_name(noun: Token, token_entity: dict[int, str]) -> str | None:
    """The name set off after a title noun: "the special envoy for Sudan, Tom Lee, said".

    Also when the parser hangs the name on the title's prepositional object ("Sudan").
    """
    for child in noun.children:
        if child.dep_ == "appos" and entity(child, token_entity):
            return entity(child, token_entity)
        if child.dep_ != "prep" or child.lower_ not in {"for", "of", "to"}:
            continue
        for pobj in child.children:
            for name in pobj.children:
                if pobj.dep_ == "pobj" and name.dep_ == "appos" and name.pos_ == "PROPN":
                    key = entity(name, token_entity)
                    if key:
                        return key
    return None


def entities_of(token: Token, token_entity: dict[int, str]) -> list[str]:
    keys: list[str] = []
    for conj in conjuncts(antecedent(token)):
        key = entity(conj, token_entity) or _group_head_entity(conj, token_entity)
        if key is None and conj.pos_ == "NOUN" and conj.lemma_.lower() in REPRESENTATIVES:
            key = appositive_name(conj, token_entity)
        if key is None and conj.pos_ == "NOUN" and conj.lemma_.lower() in REPRESENTATIVES:
            # "the foreign ministers of Armenia and Azerbaijan": the states they represent
            for child in conj.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            keys.extend(k for k in entities_of(pobj, token_entity) if k not in keys)
        if key is None and (
            conj.pos_ == "PROPN" or (conj.pos_ == "NOUN" and conj.lemma_.lower() == "counterpart")
        ):
            # "US Special Envoy for Sudan Tom Perriello": the name is an apposition of the title;
            # "his Azerbaijani counterpart Jeyhun Bayramov" likewise
            key = next(
                (
                    entity(c, token_entity)
                    for c in conj.children
                    if c.dep_ == "appos" and entity(c, token_entity)
                ),
                None,
            )
        if key and key not in keys:
            keys.append(key)
    return keys


def mod_lemmas(token: Token) -> set[str]:
    lemmas: set[str] = set()
    for child in token.children:
        if child.dep_ in {"amod", "compound", "nmod", "npadvmod", "poss"}:
            lemmas.add(child.lemma_.lower())
            lemmas.add(child.lower_)
        if child.dep_ == "prep":
            lemmas.add(child.lower_)
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    lemmas.add(pobj.lemma_.lower())
                    for grand in pobj.children:
                        if grand.dep_ in {"amod", "compound"}:
                            lemmas.add(grand.lemma_.lower())
    if token.dep_ == "compound":
        lemmas.add(token.head.lemma_.lower())
    if token.dep_ in {"dobj", "nsubjpass"}:
        lemmas.add(token.head.lemma_.lower())
    return lemmas


def objects(token: Token) -> list[Token]:
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in {"dobj", "nsubjpass", "attr"}:
            out.extend(conjuncts(child))
        if child.dep_ == "prep":
            out.extend(g for g in child.children if g.dep_ == "pobj")
    return out


def clause_subject(token: Token, *, through: set[str] | None = None) -> Token | None:
    """The subject of the clause a token belongs to, climbing xcomp/advcl/acl/conj chains.

    Args:
        token: Where to start.
        through: Only climb through these dependency relations (default: any).
    """
    cur = token
    for _ in range(8):
        for child in cur.children:
            if child.dep_ in {"nsubj", "csubj"} or (child.dep_ == "nsubjpass" and cur is not token):
                return child
        if cur.head is cur or (through is not None and cur.dep_ not in through):
            return None
        if cur.dep_ in {"relcl"}:
            return cur.head
        cur = cur.head
    return None


def agent_key(subject: Token | None, token_entity: dict[int, str]) -> list[str]:
    if subject is None:
        return []
    return entities_of(subject, token_entity)


def is_misparsed_gerund(token: Token) -> bool:
    """A gerund the parser hung on a name as an adjective: "denied raiding Ukraine".

    A present participle does not modify a proper name ("the raiding Ukraine"), so the name is
    the gerund's object.
    """
    gerund = (token.dep_ == "amod" and token.tag_ == "VBG") or (
        token.dep_ == "compound"
        and token.lower_.endswith("ing")
        and token.i > 0
        and token.nbor(-1).pos_ == "VERB"
    )
    return gerund and token.head.pos_ == "PROPN" and token.i < token.head.i
