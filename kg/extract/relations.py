"""Open relations (layer 2): subject-relation-object triples read off the dependency parse.

Clause by clause: a verb with its subject, its object (direct, prepositional, clausal or a
copular complement), further arguments (time, place, other prepositional phrases), negation and
modals kept in the relation, xcomp chains folded in ("is set to meet with"), coordinated verbs
sharing their subject or object, coordinated subjects, objects and clausal objects expanded;
participles with their agent or place ("a framework proposed by Egypt"); plus appositive and
title relations ("X, the army chief", "Prime Minister X"). Confidence is graded from rule type
and parse features.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kg.extract.lexicon import Lexicon
from kg.extract.modality import modality_of
from kg.extract.relation_args import Arg as _Arg
from kg.extract.relation_args import arg_tokens as _arg_tokens
from kg.extract.relation_args import conj_heads as _conj_heads
from kg.extract.relation_args import to_argument as _argument
from kg.extract.relation_args import trim as _trim
from kg.extract.relation_clauses import RELATIVE_PRONOUNS, SUBJ
from kg.extract.relation_clauses import relation_words as _relation_words
from kg.extract.relation_clauses import shared_objects as _shared_objects
from kg.extract.relation_clauses import split_clauses as _clauses
from kg.extract.relation_clauses import subject_of as _subject_of
from kg.extract.relation_confidence import relation_features, score_confidence
from kg.extract.relation_nominal import find_nominal_relations
from kg.models import Argument, Modality, Relation

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


class _Clause:
    def __init__(self, sent: Span, index: int, token_entity: dict[int, str], lexicon: Lexicon):
        self.sent = sent
        self.index = index
        self.te = token_entity
        self.lexicon = lexicon
        self.out: list[Relation] = []

    def run(self) -> list[Relation]:
        for token in self.sent:
            if token.pos_ == "VERB" or (
                token.pos_ == "AUX"
                and token.lemma_ == "be"
                and token.dep_ in {"ROOT", "ccomp", "conj", "advcl", "relcl"}
            ):
                if (
                    token.dep_ == "xcomp"
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
                    and token.head.pos_ in {"VERB", "AUX"}
                    and not any(c.dep_ in {"dobj"} for c in token.head.children)
                ):
                    continue  # folded into the governing verb's relation
                if token.dep_ == "acl" and token.tag_ == "VBN":
                    self._passive_acl(token)
                    continue
                if (
                    token.dep_ == "amod"
                    and token.tag_ in {"VBN", "VBG"}
                    and not any(c.dep_ in SUBJ for c in token.children)
                ):
                    continue
                self._verb(token)
        for nominal in find_nominal_relations(self.sent):
            self._emit(
                rule=nominal.rule,
                subject=nominal.subject,
                rel_words=[nominal.anchor],
                lemma=nominal.lemma,
                obj=nominal.obj,
                extra=[],
                modality=Modality.ASSERTED,
                relation_text=nominal.relation,
            )
        return self.out

    def _emit(
        self,
        *,
        rule: str,
        subject: _Arg,
        rel_words: list[Token],
        lemma: str,
        obj: _Arg | None,
        extra: list[_Arg],
        modality: Modality,
        relation_text: str | None = None,
    ) -> None:
        subj_arg = _argument(subject.tokens, subject.head, self.te, "subject")
        obj_arg = _argument(obj.tokens, obj.head, self.te, "object") if obj else None
        extras = tuple(_argument(e.tokens, e.head, self.te) for e in extra if e.tokens)
        relation_text = relation_text or " ".join(t.text for t in rel_words)
        conf = score_confidence(
            relation_features(
                rule=rule,
                subject=subj_arg.text,
                relation=relation_text,
                obj=obj_arg.text if obj_arg else None,
                extras=[e.text for e in extras],
                is_asserted=modality is Modality.ASSERTED,
                is_subject_linked=subj_arg.entity_key is not None,
                is_object_linked=obj_arg is not None and obj_arg.entity_key is not None,
            )
        )
        spans = [subj_arg.start, subj_arg.end] + ([obj_arg.start, obj_arg.end] if obj_arg else [])
        spans += [rel_words[0].idx, rel_words[-1].idx + len(rel_words[-1].text)]
        self.out.append(
            Relation(
                sentence_index=self.index,
                subject=subj_arg,
                relation=relation_text,
                lemma=lemma,
                object=obj_arg,
                extra_args=extras,
                modality=modality,
                confidence=conf,
                start=min(spans),
                end=max(spans),
                rule=rule,
            )
        )

    def _emit_each(self, subjects: list[_Arg], **fields: Any) -> None:
        """Emit one relation per conjoined subject ("Egypt and Qatar mediated" -> two)."""
        for subject in subjects:
            self._emit(subject=subject, **fields)

    def _verb(self, verb: Token) -> None:
        subject, _ = _subject_of(verb)
        if subject is None:
            return
        rel_words = _relation_words(verb)
        lemma_words = [
            t.lower_
            if t.dep_ in {"neg", "aux"}
            and t.lower_
            not in {
                "is",
                "are",
                "was",
                "were",
                "has",
                "have",
                "had",
                "do",
                "does",
                "did",
                "be",
                "been",
                "being",
                "am",
            }
            else None
            for t in rel_words
            if t is not verb and t.dep_ != "prt"
        ]
        lemma_parts = [w for w in lemma_words if w]
        lemma_parts = ["not" if w == "n't" else w for w in lemma_parts]
        lemma_parts.append(verb.lemma_.lower())
        lemma_parts.extend(c.lower_ for c in verb.children if c.dep_ == "prt")
        main = verb
        # fold xcomp chains: "is set to meet with"
        for child in verb.children:
            if (
                child.dep_ == "xcomp"
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
                and not any(c.dep_ == "dobj" for c in verb.children)
            ):
                to = [c for c in child.children if c.dep_ == "aux" and c.lower_ == "to"]
                rel_words = rel_words + to + [child]
                lemma_parts += ["to", child.lemma_.lower()]
                main = child
                break
        modality = modality_of(main, self.lexicon)  # "is set to meet": the governed verb
        drop: set[int] = set()
        if verb.dep_ == "relcl" and subject.lower_ in RELATIVE_PRONOUNS:
            subject = verb.head  # "the star, which marks ..." -> the star
            drop = {t.i for t in verb.subtree}
        subjects = [
            _Arg(toks, s)
            for s in (_conj_heads(subject) if not drop else [subject])
            if (toks := _arg_tokens(s, drop=drop))
        ]
        if not subjects:
            return
        objects: list[tuple[str, Token, list[Token]]] = []
        for child in main.children:
            if child.dep_ in {"dobj", "attr", "oprd"}:
                objects.append(("svo" if child.dep_ == "dobj" else "copula", child, []))
        preps = [c for c in main.children if c.dep_ in {"prep", "agent", "dative"}]
        acomp = [c for c in main.children if c.dep_ == "acomp"]
        comps = [c for c in main.children if c.dep_ in {"ccomp"}]
        extra_preps = list(preps)
        if not objects and not preps and not comps:
            objects = _shared_objects(main)
        if not objects and acomp:
            acomp_preps = [c for c in acomp[0].children if c.dep_ == "prep"]
            if acomp_preps:
                prep = acomp_preps[0]
                pobjs = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}]
                if pobjs:
                    objects.append(("copula", pobjs[0], [acomp[0], prep]))
            else:
                objects.append(("copula", acomp[0], []))
        after = [p for p in preps if p.i > main.i]  # "From 1970, he taught at ..." -> "taught at"
        if not objects and after:
            prep = after[0]
            pobjs = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}]
            if pobjs:
                objects.append(("sv-prep", pobjs[0], [prep]))
                extra_preps = [p for p in preps if p is not prep]
        if not objects and comps:
            objects.append(("svc", comps[0], []))
        if not objects:
            for child in main.children:
                if child.dep_ == "xcomp":
                    objects.append(("svc", child, []))
        if not objects:
            if verb.pos_ == "VERB":
                self._emit_each(
                    subjects,
                    rule="sv",
                    rel_words=rel_words,
                    lemma=" ".join(lemma_parts),
                    obj=None,
                    extra=[self._extra(p) for p in extra_preps]
                    + [self._extra(c) for c in main.children if c.dep_ == "npadvmod"]
                    + [
                        self._extra(c)
                        for c in main.children
                        if (c.dep_ == "advmod" and any(g.dep_ == "prep" for g in c.children))
                        or (c.dep_ == "advcl" and any(g.dep_ == "mark" for g in c.children))
                    ],
                    modality=modality,
                )
            return
        for rule, obj_head, glue in objects:
            words = sorted(rel_words + glue, key=lambda t: t.i) if glue else rel_words
            lemma = " ".join(lemma_parts + [g.lower_ for g in glue])
            if rule == "copula" and not glue and obj_head.dep_ == "acomp":
                words = rel_words
            extra = [self._extra(p) for p in extra_preps if p not in glue]
            extra += [
                self._extra(c)
                for c in main.children
                if c.dep_ == "npadvmod" and c.ent_type_ in {"DATE", "TIME"}
            ]
            extra += [
                self._extra(c)
                for c in main.children
                if c.dep_ == "xcomp" and rule != "svc" and c not in rel_words
            ]
            if rule == "svc":
                for clause, obj_tokens in _clauses(obj_head):
                    marks = [t for t in obj_tokens[:1] if t.dep_ == "mark" and t.lower_ == "that"]
                    self._emit_each(
                        subjects,
                        rule=rule,
                        rel_words=words + marks,
                        lemma=lemma,
                        obj=_Arg(obj_tokens[len(marks) :], clause),
                        extra=extra,
                        modality=modality,
                    )
                continue
            for conj in _conj_heads(obj_head):
                obj_tokens = _arg_tokens(conj)
                if not obj_tokens:
                    continue
                self._emit_each(
                    subjects,
                    rule=rule,
                    rel_words=words,
                    lemma=lemma,
                    obj=_Arg(obj_tokens, conj),
                    extra=extra,
                    modality=modality,
                )

    def _extra(self, token: Token) -> _Arg:
        toks = _trim(tuple(token.subtree))
        return _Arg(toks, token)

    def _passive_acl(self, verb: Token) -> None:
        """ "a framework proposed by Egypt", "a think tank founded in Lausanne"."""
        noun = verb.head
        preps = [c for c in verb.children if c.dep_ in {"agent", "prep"} and c.i > verb.i]
        preps.sort(key=lambda c: c.dep_ != "agent")  # the agent first
        pobjs = [g for g in preps[0].children if g.dep_ == "pobj"] if preps else []
        acls = [c for c in noun.children if c.dep_ == "acl"]
        subj_tokens = _arg_tokens(noun, drop={t.i for c in acls for t in c.subtree})
        if not pobjs or not subj_tokens:
            return
        for obj in _conj_heads(pobjs[0]):
            self._emit(
                rule="passive-acl",
                subject=_Arg(subj_tokens, noun),
                rel_words=[verb, preps[0]],
                lemma=f"{verb.lemma_.lower()} {preps[0].lower_}",
                obj=_Arg(_arg_tokens(obj), obj),
                extra=[self._extra(p) for p in preps[1:]],
                modality=modality_of(verb, self.lexicon),
            )


def _unlink_self_loop(relation: Relation) -> Relation:
    """ "El Fasher is the last major city in Darfur" where "the city" resolved to El Fasher:
    an edge from an entity to itself says nothing, so the object stays a literal."""
    obj = relation.object
    key = relation.subject.entity_key
    if key is None or obj is None or obj.entity_key != key:
        return relation
    return replace(relation, object=replace(obj, entity_key=None))


def extract_relations(
    sent: Span,
    sentence_index: int,
    *,
    token_entity: dict[int, str],
    lexicon: Lexicon,
    titles: list[tuple[Argument, str]] | None = None,
) -> list[Relation]:
    """Open relations of one parsed sentence.

    Args:
        sent: The sentence span.
        sentence_index: Its index in the report.
        token_entity: Token index -> entity key (arguments headed by a mention link to it).
        lexicon: Extraction word lists (modality cues).
        titles: (person argument, title text) pairs found by mention finding, emitted as
            ``is`` relations.

    Returns:
        Relations in text order.
    """
    relations = _Clause(sent, sentence_index, token_entity, lexicon).run()
    titled = {person.start for person, _ in titles or []}
    relations = [
        _unlink_self_loop(r)
        for r in relations
        if r.rule != "name-title" or r.subject.start not in titled  # mention titles win
    ]
    for person, title in titles or []:
        relations.append(
            Relation(
                sentence_index=sentence_index,
                subject=person,
                relation="is",
                lemma="be",
                object=Argument(text=title, start=person.start, end=person.start),
                extra_args=(),
                modality=Modality.ASSERTED,
                confidence=score_confidence(
                    relation_features(
                        rule="title",
                        subject=person.text,
                        relation="is",
                        obj=title,
                        extras=[],
                        is_asserted=True,
                        is_subject_linked=person.entity_key is not None,
                        is_object_linked=False,
                    )
                ),
                start=person.start,
                end=person.end,
                rule="title",
            )
        )
    relations.sort(key=lambda r: (r.start, r.end, r.relation))
    return relations
