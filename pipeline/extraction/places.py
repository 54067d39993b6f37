"""Place mentions in Arabic news text, resolved to the campaign gazetteer, with offsets into the article: the
place stage's entry point.

place_lexicon.py loads the language's place grammar and place_phrases.py parses an article's place phrases into
drafts; this module turns the drafts into PlaceMentions with the whole article as context: a name on both banks is
decided from its sentence's bank phrases, then its sentence's and the article's other places; a place told only as
near something becomes the location when nothing else is; points are offset from a named place ("south of X")
with their precisions. The gazetteer, the banks and the out-of-area names come from the Campaign.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter

from pipeline.campaign import Campaign
from pipeline.extraction.document import Document
from pipeline.extraction.document import analyse as analyse_document
from pipeline.gazetteer import Gazetteer
from pipeline.extraction.matcher import PhraseIndex
from pipeline.extraction.positions import bisect_left, bisect_right
from pipeline.records import Place, PlaceMention
from pipeline.resources import load_clitics
from pipeline.schema import RIVER_BANKS, WIDE_KINDS
from pipeline.extraction.sentences import load_sentence_rules
from pipeline.extraction.place_lexicon import LOCAL_KINDS, PlaceGrammar, WorldPlace, load_place_grammar
from pipeline.extraction.place_phrases import Draft, PlacePhraseParser, is_bank_district


class PlaceResolver:
    """Finds place mentions in article text and resolves them to the campaign gazetteer."""

    def __init__(self, grammar: PlaceGrammar, gazetteer: Gazetteer, world: tuple[tuple[str, WorldPlace], ...],
                 clitics, sentence_rules):
        self.sentence_rules = sentence_rules
        self.parser = PlacePhraseParser(grammar, gazetteer, world, clitics)
        # the parser owns the grammar, the gazetteer and the phrase matcher; the resolver reads the same objects
        parser = self.parser
        self.grammar, self.gazetteer, self.city, self.matcher = parser.grammar, parser.gazetteer, parser.city, parser.matcher
        self._own_index: PhraseIndex | None = None

    # ------------------------------------------------------------ public API

    def find_mentions(self, text: str, start: int = 0, end: int | None = None, *,
                      doc: Document | None = None) -> list[PlaceMention]:
        """Place mentions inside text[start:end], in text order; the whole text is the context.

        `doc` is the article analysed once (see pipeline.extraction.document); its mentions are parsed once.
        """
        end = len(text) if end is None else end
        doc = doc or self.document(text)
        every, by_start, starts = doc.derived(("places", id(self)),
                                              lambda: _by_start(self.article_mentions(text, doc=doc)))
        first, last = bisect_left(starts, start), bisect_right(starts, end)
        return [every[k] for k in sorted(by_start[first:last]) if every[k].span.end <= end]

    def document(self, text: str) -> Document:
        """A text analysed for this resolver alone (the run analyses each article once for all stages)."""
        return analyse_document(text, self._index, self.sentence_rules)

    @property
    def _index(self) -> PhraseIndex:
        """Built on first use, once: a text analysed for places alone reuses it (a run never asks for it)."""
        if self._own_index is None:
            self._own_index = PhraseIndex({"places": self.matcher})
        return self._own_index

    def article_mentions(self, text: str, *, doc: Document | None = None) -> tuple[PlaceMention, ...]:
        """Every mention of an article, banks decided with the whole article as context."""
        doc = doc or self.document(text)
        drafts = self.parser.parse(text, doc)
        sentences = list(doc.sentences) if drafts else []
        return tuple([self._finish(d, drafts, sentences) for d in self._near_when_alone(drafts, sentences)])

    def _near_when_alone(self, drafts: list[Draft], sentences) -> list[Draft]:
        """A place named only as near something is where the event was when its sentence names no other.

        "هجمات قرب قرية الفاضلية" happened near al-Fadiliya; in "انفجرت قرب مطعم في تقاطع المصارف" the junction
        is the place and the restaurant only a landmark.
        """
        if "proximity" not in map(_role, drafts):
            return drafts
        starts = [s.start for s in sentences]

        def sentence_of(d: Draft) -> int:
            return bisect_right(starts, d.span.start) - 1

        located = {sentence_of(d) for d in drafts if d.role in ("location", "origin")
                   and any(p.kind in LOCAL_KINDS for p in d.candidates)}
        return [d._replace(role="location", notes=d.notes + ("near",))
                if d.role == "proximity" and d.candidates and sentence_of(d) not in located else d for d in drafts]
    # ------------------------------------------------------------ resolution

    def _finish(self, d: Draft, drafts: list[Draft], sentences) -> PlaceMention:
        if d.world is not None:
            return PlaceMention(d.span, d.world.place, None, None, 0, "", "out_of_area", d.relation, "; ".join(d.notes))
        if d.sector is not None:
            s = d.sector
            return PlaceMention(d.span, s, s.lat, s.lon, 3, s.bank if s.bank in RIVER_BANKS else "", d.role,
                                d.relation, "; ".join(d.notes))
        if not d.candidates:
            return PlaceMention(d.span, None, None, None, 0, "", d.role, d.relation, "; ".join(d.notes))
        notes = list(d.notes)
        place = d.candidates[0]
        if len(d.candidates) > 1 and len({p.bank for p in d.candidates}) > 1:
            bank = self._decide_bank(d, drafts, sentences)
            chosen = [p for p in d.candidates if p.bank == bank]
            if not chosen and "outside" in {p.bank for p in d.candidates}:
                # a city quarter or a town of the same name, and nothing says which: named, not mapped
                notes.append("ambiguous: " + " or ".join(p.place_id for p in d.candidates))
                return PlaceMention(d.span, None, None, None, 0, "", d.role, d.relation, "; ".join(notes))
            if not chosen:
                notes.append("bank undecided")
                place = self._undecided(d.candidates)
                return PlaceMention(d.span, place, self.city.lat, self.city.lon, 3, "", d.role, d.relation,
                                    "; ".join(notes))
            place = chosen[0]
        lat, lon, precision = place.lat, place.lon, place.precision
        if place.kind in WIDE_KINDS:
            precision = 3
        if d.relation:
            bearing = next(w.direction.bearing for w in self.grammar.directions if w.direction.relation == d.relation)
            lat, lon = self.parser.offset(place, bearing)
            precision = max(2, precision)
        if "near" in d.notes:
            precision = max(2, precision)
        bank = place.bank if place.bank in RIVER_BANKS else ""
        return PlaceMention(d.span, place, lat, lon, precision, bank, d.role, d.relation, "; ".join(notes))

    def _undecided(self, candidates: tuple[Place, ...]) -> Place:
        """One place for a name on both banks when the text does not say which."""
        first = candidates[0]
        place_id = os.path.commonprefix([p.place_id for p in candidates]).rstrip("_") or first.place_id
        name_en = os.path.commonprefix([p.name_en for p in candidates]).split("(")[0].strip() or first.name_en
        return replace(first, place_id=place_id, name_en=name_en, bank="both", lat=self.city.lat, lon=self.city.lon,
                       precision=3)

    def _bank_evidence(self, d: Draft) -> str:
        """The bank a draft says something is on: a bank phrase, a sector, or an unambiguous city place."""
        if d.sector is not None:
            return d.sector.bank if d.sector.bank in RIVER_BANKS else ""
        banks = {p.bank for p in d.candidates}
        if banks == {"outside"} and all(p.kind in LOCAL_KINDS | {"out_of_area"} for p in d.candidates):
            return "outside"  # a town or village: evidence that a name shared with a city quarter is the town
        return banks.pop() if len(banks) == 1 and banks <= set(RIVER_BANKS) else ""

    def _decide_bank(self, d: Draft, drafts: list[Draft], sentences) -> str:
        """Same-sentence bank phrase (nearest), then the sentence's other places, then the article's.

        Other places vote for the banks the name can be on; towns and villages vote for "outside" (the town of
        al-Qairawan rather than the quarter) when the name is also one outside the city.
        """
        starts = [s.start for s in sentences]
        i = bisect_right(starts, d.span.start) - 1
        lo, hi = (sentences[i].start, sentences[i].end) if i >= 0 else (0, len(d.span.text))
        in_sentence = [o for o in drafts if o is not d and lo <= o.span.start < hi]
        phrases = [o for o in in_sentence if self._bank_evidence(o) and (o.sector or is_bank_district(o, self.city))]
        if phrases:
            nearest = min(phrases, key=lambda o: abs(o.span.start - d.span.start))
            return self._bank_evidence(nearest)
        possible = {p.bank for p in d.candidates}
        for group in (in_sentence, [o for o in drafts if o is not d]):
            votes = Counter(v for o in group if (v := self._bank_evidence(o)) in possible).most_common(2)
            if votes and (len(votes) == 1 or votes[0][1] > votes[1][1]):
                return votes[0][0]
        return ""


_role = attrgetter("role")


def _by_start(mentions: tuple[PlaceMention, ...]) -> tuple[tuple[PlaceMention, ...], list[int], list[int]]:
    """The article's mentions, their indices in order of start and those starts: a sentence's mentions are then
    found by bisection, not by reading all of them for every sentence."""
    starts = [m.span.start for m in mentions]
    by_start = sorted(range(len(mentions)), key=starts.__getitem__)
    return mentions, by_start, [starts[k] for k in by_start]


@lru_cache(maxsize=None)
def load_place_resolver(campaign: Campaign) -> PlaceResolver:
    """The resolver for a campaign's gazetteer, banks and out-of-area names in its language, compiled once.

    The phrase bank is a hundred thousand objects that live as long as the process: the collector is held off
    while they are made (its passes over them, while nothing is yet garbage, were a quarter of the time).
    """
    lexicon_dir = campaign.lexicon_dir
    world = tuple((o.name_ar, WorldPlace(o.place, o.world_kind)) for o in campaign.out_of_area)
    held = gc.isenabled()
    gc.disable()
    try:
        return PlaceResolver(load_place_grammar(lexicon_dir).for_campaign(campaign), Gazetteer.of(campaign), world,
                             load_clitics(lexicon_dir), load_sentence_rules(lexicon_dir))
    finally:
        if held:
            gc.enable()
