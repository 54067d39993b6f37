"""Place phrases: the phrase bank of one campaign (place words, gazetteer aliases and their spelling variants,
bank phrases, directions, role cues and out-of-area names, in one PhraseMatcher) and the small rules over it that
parse an article's place phrases into drafts: lists (أحياء السلام وفلسطين), locators (الحود شمالي القيارة),
sectors (شمال غرب المدينة), back-references (مركز هذه الناحية), unknown names after a place word (قرية "عباس
رجب"), and the role each plays.

It exists apart from the resolver (places.py), which decides the bank of a name found on both banks and the point
of each mention with the whole article as context.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any, NamedTuple, Sequence

from rapidfuzz import fuzz

from pipeline.extraction.document import Document
from pipeline.gazetteer import Gazetteer
from pipeline.extraction.matcher import BoundedMemo, Hit, hit_length, word_forms
from pipeline.extraction.positions import bisect_left
from pipeline.records import Place, Span
from pipeline.schema import RIVER_BANKS
from pipeline.extraction.textnorm import NormalisedText, normalise_phrase
from pipeline.extraction.place_phrase_bank import PhraseEntries, bare_name, build_phrase_bank
from pipeline.extraction.place_lexicon import (LOCAL_KINDS, Alias, Cue, Direction, DirectionWord, PlaceGrammar,
                                               PlaceType, PlaceWord, Tag, WorldPlace)

_ENCLOSES_SITE = "encloses the building before it"
_kind = attrgetter("kind")
_GAP_MEMO_LIMIT = 10_000
"""Distinct gaps a memo keyed by gaps keeps: a gap can be a long stretch of text in another script, so few are kept."""


_WINDOW_LISTS = ("proximity_before", "departure_words", "description_words", "road_words", "home_words",
                 "approach_words", "victim_words", "fire_words", "source_speakers", "residence_words")
"""The grammar's word lists (PlaceGrammar attributes) the rules look for among the words before a place: each
article lists where their words are."""
_WORD_LISTS = ("not_origin_before", "name_stops")
"""The grammar's word lists the rules ask of one word at a time."""


def _lists_by_word(grammar: PlaceGrammar, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Word -> the names of the grammar word lists (of `names`) that hold it: a new word's lists are then found
    with a look-up per reading of it, not by asking every list about every reading."""
    by_word: dict[str, list[str]] = {}
    for name in names:
        for word in getattr(grammar, name):
            by_word.setdefault(word, []).append(name)
    return {word: tuple(found) for word, found in by_word.items()}


class Draft(NamedTuple):
    """A mention before its bank is decided (a named tuple: an article makes and amends dozens)."""

    span: Span
    candidates: tuple[Place, ...] = ()
    """Gazetteer places the name may be; several when the name exists on both banks."""
    role: str = "location"
    relation: str = ""
    notes: tuple[str, ...] = ()
    word_type: str = ""
    """Type of the place word that introduced it (neighbourhood, subdistrict ...), for back-references."""
    world: WorldPlace | None = None
    sector: Place | None = None
    """A synthetic city sector (North-west Mosul), with its point already computed."""
    parts: tuple[Place, ...] = ()
    """For a numbered sub-area (مشيرفة الثالثة), the places it is a part of; a following bare ordinal
    (والثانية) names another part of the same places."""


class _Phrase(NamedTuple):
    """A phrase of the bank kept at a token (the longest of those overlapping there): only the parts the rules
    read, made straight from the document's hits (its span is doc.span(token_start, token_end), made when asked)."""

    norm_start: int
    """Normalised offset of the phrase without its attached prefix."""
    token_start: int
    token_end: int
    phrase: str
    prefix: str
    """The clitic letters stripped from the first word (e.g. "و", "ب"), empty when none."""
    payload: PhraseEntries


@dataclass(frozen=True)
class _Doc:
    """The article tokenised and matched once, with what the rules ask of every word and gap precomputed."""

    text: str
    norm: NormalisedText
    words: list[str]
    starts: list[int]
    ends: list[int]
    """The document's token columns."""
    at: dict[int, _Phrase]
    """The phrase match starting at each token."""
    gaps: tuple[str, ...]
    """gaps[i]: normalised text between token i-1 and token i ("" before the first token and after the last)."""
    stem_positions: dict[str, list[int]]
    """Grammar word list name (see _WINDOW_LISTS) -> the tokens that belong to it, in text order."""
    punctuated: dict[int, str]
    """Token -> the gap before it, for the gaps that hold more than spaces, in text order."""
    _marked: dict[frozenset[str], list[int]] = field(default_factory=dict, repr=False)
    """Marks -> the gaps holding one of them, in text order: a window's punctuation is then a bisection."""

    def last_with(self, stems: str, lo: int, hi: int) -> int:
        """The last token in [lo, hi) that belongs to the grammar word list `stems`, else -1."""
        positions = self.stem_positions.get(stems)
        if not positions:
            return -1
        k = bisect_left(positions, hi) - 1
        return positions[k] if k >= 0 and positions[k] >= lo else -1

    def has_stem_in(self, stems: str, lo: int, hi: int) -> bool:
        """Whether a token in [lo, hi) belongs to the grammar word list `stems`."""
        positions = self.stem_positions.get(stems)
        if not positions:
            return False
        k = bisect_left(positions, lo)
        return k < len(positions) and positions[k] < hi

    def gaps_with(self, marks: frozenset[str]) -> list[int]:
        """The tokens whose gap before them holds one of the characters of `marks`, in text order."""
        found = self._marked.get(marks)
        if found is None:
            found = self._marked[marks] = [i for i, gap in self.punctuated.items() if not marks.isdisjoint(gap)]
        return found

    def marked(self, marks: frozenset[str], first: int, last: int) -> bool:
        """Whether a gap before token first..last (inclusive) holds one of the characters of `marks`."""
        found = self.gaps_with(marks)
        k = bisect_left(found, first)
        return k < len(found) and found[k] <= last

    def span(self, first: int, last: int) -> Span:
        """Original-text span of tokens first..last-1, without the attached clitics of the first word."""
        m = self.at.get(first)
        n_start, n_end = m.norm_start if m else self.starts[first], self.ends[last - 1]
        offsets = self.norm.offsets  # as NormalisedText.to_original maps a stretch of whole tokens
        s = offsets[n_start]
        e = offsets[n_end - 1] + 1 if n_end > n_start else s
        return Span(s, e, self.text[s:e])

    def entries(self, i: int, cls) -> tuple:
        """The records of type cls the phrase matched at token i can be."""
        m = self.at.get(i)
        return m.payload.by_type.get(cls, ()) if m else ()

    def tags(self, i: int, name: str) -> tuple[Tag, ...]:
        m = self.at.get(i)
        return m.payload.tags.get(name, ()) if m else ()

    def directions(self, i: int, usage: str) -> tuple[DirectionWord, ...]:
        """The direction words of one usage (form, adjective, pronoun) the phrase matched at token i can be."""
        m = self.at.get(i)
        return m.payload.directions.get(usage, ()) if m else ()


def _longest_phrases(hits: list[Hit], words: list[str], starts: list[int], ends: list[int]) -> dict[int, _Phrase]:
    """The phrase kept at each token: of overlapping hits the one with the most words, then the most letters,
    then the earliest (the choice of matcher.prefer_longest_match), made into _Phrases only once chosen.

    The hits are in token order, so they fall into runs that overlap among themselves and with no other: a run
    of one hit (most of them) is kept as it is, and only the others are ranked.
    """
    make = tuple.__new__  # a _Phrase made without its Python constructor: an article keeps a hundred
    at: dict[int, _Phrase] = {}
    run: list[Hit] = []
    run_end = -1
    closing: tuple[int, int, Any] = (len(words), 0, None)  # the last, empty hit closes the last run
    for hit in (*hits, closing):
        i = hit[0]
        if i < run_end:
            run.append(hit)
            run_end = max(run_end, i + hit_length(hit))
            continue
        if run and run[-1][0] == run[0][0]:  # one token's hits (most runs): the longest, the fewest clitic letters
            best = run[0]
            for other in run[1:]:
                n, best_n = hit_length(other), hit_length(best)
                if n > best_n or (n == best_n and other[1] < best[1]):
                    best = other
            first, consumed, entry = best
            at[first] = make(_Phrase, (starts[first] + consumed, first, first + entry[3], entry[5],
                                       words[first][:consumed], entry[6]))
        elif run:
            taken: set[int] = set()  # the tokens a kept phrase covers
            for *_, k in sorted([(-entry[3], starts[first] + consumed - ends[first + entry[3] - 1], first, k)
                                 for k, (first, consumed, entry) in enumerate(run)]):
                first, consumed, entry = run[k]
                end = first + entry[3]
                if taken.isdisjoint(range(first, end)):
                    taken.update(range(first, end))
                    at[first] = make(_Phrase, (starts[first] + consumed, first, end, entry[5],
                                               words[first][:consumed], entry[6]))
        if hit[2] is not None:
            run, run_end = [hit], i + hit_length(hit)
    return at


class _ListContext(NamedTuple):
    """What the list a phrase opened accepts as further items."""

    role: str
    licensed: bool
    rank: int
    word: PlaceWord | None = None
    """The place word that opened the list: later items it does not know are still names of its type."""


_Parsed = tuple[list[Draft], int, "_ListContext | None"]
"""What a phrase rule read at a token: its drafts, the token after them, and the list they open (if any)."""


class PlacePhraseParser:
    """Parses an article's place phrases into drafts (banks undecided) over one campaign's phrase bank."""

    def __init__(self, grammar: PlaceGrammar, gazetteer: Gazetteer, world: tuple[tuple[str, WorldPlace], ...],
                 clitics):
        self.grammar = grammar
        self.gazetteer = gazetteer
        self.city = gazetteer.places[gazetteer.city_id]
        self.clitics = clitics
        self.bank = build_phrase_bank(grammar, gazetteer, world, clitics)
        self.matcher = self.bank.matcher
        window_lists, word_lists = _lists_by_word(grammar, _WINDOW_LISTS), _lists_by_word(grammar, _WORD_LISTS)
        self._in_window_lists = BoundedMemo(lambda word: self._lists_containing(word, window_lists))
        """word -> the window lists it belongs to: the same words come back in every article."""
        self._in_word_lists = BoundedMemo(lambda word: self._lists_containing(word, word_lists))
        """word -> the word lists it belongs to."""
        self._names = BoundedMemo(lambda key: self._named_places(*key))
        """(phrase, its entries, the type of the place word before it or None, licensed) -> _named_places: the most
        frequent question, asked of the same phrases in every article."""
        self._ordinal_ending = BoundedMemo(self._ending_ordinal)
        """Phrase -> the number of the ordinal it ends in, else None."""
        self._sectors = BoundedMemo(lambda key: self._sector(*key))
        """(direction, wording) -> the sector of the city it names: the same few recur in every article."""
        self._points: dict[tuple, tuple[float | None, float | None]] = {}
        """(lat, lon, kind, bearing) -> offset point: the same sectors and "south of X" recur in every run."""
        self._quote_marks = grammar.quotes | grammar.brackets
        without_quotes = str.maketrans("", "", "".join(grammar.quotes))
        self._unquoted_gaps = BoundedMemo(lambda gap: gap.translate(without_quotes).strip(), _GAP_MEMO_LIMIT)
        """Gap -> the gap without its quote marks and spaces: a closing quote does not end a place phrase (مطعم "X"
        في حي Y)."""
        self._preposition_letters = "".join(clitics.prepositions)
        list_marks = grammar.list_separators | self._quote_marks
        self._ends_list = BoundedMemo(lambda gap: not gap.isspace() and any(not c.isspace() and c not in list_marks
                                                                            for c in gap), _GAP_MEMO_LIMIT)
        """Gap -> whether it ends a list: a mark other than a space, a list separator, a quote or a bracket."""
        phrases = [entries for found in self.matcher.by_first.values() for _, entries in found]
        self._heads = frozenset(entries for entries in phrases if self._may_head(entries))
        """The bank's phrases the first place of a phrase (_head) can start at: a third of an article's matches
        (locators, ordinals) cannot, and are not tried."""
        self._leads = frozenset(entries for entries in phrases
                                if Cue in entries.by_type or "demonstrative" in entries.tags)
        """The bank's phrases that start a place phrase when one of the others follows (من، هذه)."""
        self._definite_singulars = frozenset(entries for entries in phrases if any(
            w.definite and not w.many for w in entries.by_type.get(PlaceWord, ())))
        """The bank's phrases that can be a definite singular place word (الناحية), as after a demonstrative."""

    def _may_head(self, entries: PhraseEntries) -> bool:
        """Whether _head can find a place at this phrase whatever follows: a place word, a direction before a
        place, or a name _known_name takes without a place word before it."""
        return PlaceWord in entries.by_type or WorldPlace in entries.by_type or "bank" in entries.tags \
            or "form" in entries.directions \
            or any(not a.needs_context for a in entries.by_type.get(Alias, ()))

    def _may_head_at(self, doc: _Doc, t: int) -> bool:
        """Whether _head can find a place at token t: at a phrase it can start at, or at a demonstrative before
        a definite place word (هذه الناحية)."""
        m = doc.at.get(t)
        if m is None:
            return False
        if m.payload in self._heads:
            return True
        after = doc.at.get(m.token_end) if "demonstrative" in m.payload.tags else None
        return after is not None and after.payload in self._definite_singulars

    def _may_lead(self, doc: _Doc, m: _Phrase) -> bool:
        """Whether a place phrase (outside a colon list) can start at a lead m (see _leads): a demonstrative
        before a definite place word (هذه الناحية), or a role cue right before a token _head can find a place at."""
        after = doc.at.get(m.token_end)
        if after is None:
            return False
        if "demonstrative" in m.payload.tags and after.payload in self._definite_singulars:
            return True
        return Cue in m.payload.by_type and self._may_head_at(doc, m.token_end)

    def parse(self, text: str, doc: Document) -> list[Draft]:
        """Every mention of the article, banks undecided."""
        analysed = self._analyse(text, doc)
        heads, leads = self._heads, self._leads
        starts = sorted({i for i, m in analysed.at.items()
                         if m.payload in heads or m.payload in leads and self._may_lead(analysed, m)}
                        | set(analysed.gaps_with(self.grammar.colons)))
        drafts: list[Draft] = []
        t = 0
        for start in starts:
            if start < t:
                continue
            found, t_next = self._phrase(analysed, start, drafts)
            drafts.extend(found)
            t = t_next if found else start + 1
        return drafts

    def _analyse(self, text: str, doc: Document) -> _Doc:
        """The article as the rules read it: its tokens and gaps, where the words of each window list are, and
        the longest place phrase at each token."""
        norm = doc.norm
        words, starts, ends = doc.token_columns
        gaps: tuple[str, ...] = ("", *doc.gaps[1:-1], "") if words else ("",)
        in_lists = self._in_window_lists
        positions: dict[str, list[int]] = {}
        for i in range(len(words)):  # a plain loop: compiled, each step is a look-up, not a call through map
            names: tuple[str, ...] = in_lists[words[i]]
            for name in names:
                positions.setdefault(name, []).append(i)
        punctuated: dict[int, str] = {}
        for i in range(len(gaps)):
            gap = gaps[i]
            if gap and not gap.isspace():  # what gap.strip() leaves something of, without making it
                punctuated[i] = gap
        at = _longest_phrases(doc.matches.hits[doc.index.family(self.matcher)], words, starts, ends)
        return _Doc(text, norm, words, starts, ends, at, gaps, positions, punctuated)

    def _lists_containing(self, word: str, lists_by_word: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        """The names of the grammar word lists the word belongs to by any of its clitic readings."""
        return tuple(dict.fromkeys(name for stem, _ in word_forms(word, self.clitics)
                                   for name in lists_by_word.get(stem, ())))

    def _phrase(self, doc: _Doc, t: int, before: list[Draft]) -> tuple[list[Draft], int]:
        """A place phrase at token t: [role cue] head [tails] [list continuation ...]."""
        m = doc.at.get(t)
        cues = m.payload.by_type.get(Cue) if m is not None else None
        if cues:
            role, note = self._cue_role(doc, t, cues[0].role)
            t = m.token_end  # type: ignore[union-attr]  # cues come from m
        else:
            role, note = self._role_before(doc, t)
        opener = self._colon_list_word(doc, t) if not cues and ":" in doc.gaps[t] else None
        if opener is not None:
            draft, t_end = self._name(doc, t, opener, licensed=True, role=role, in_list=True)
            head, ctx = ([draft], _ListContext(role, True, opener.type.rank, opener)) if draft else ([], None)
        else:
            head, t_end, ctx = self._head(doc, t, before, role)
        if not head:
            return [], t
        if note:
            head = [d._replace(notes=d.notes + (note,)) for d in head]
        head = self._relative_locator(doc, t, head, before)
        found = list(head)
        while True:
            tail, t_end = self._tails(doc, t_end, ctx, before + found)
            if tail and _ENCLOSES_SITE in tail[0].notes:
                inside = found[-1]
                found[-1] = inside._replace(role="reference", notes=inside.notes + ("inside the next place",))
            found += tail
            u = self._continuation(doc, t_end) if ctx is not None else None
            if u is None:
                break
            item, u_end, item_ctx = self._item(doc, u, ctx, before + found)  # type: ignore[arg-type]  # u needs ctx
            if not item:
                break
            found += item
            t_end, ctx = u_end, item_ctx
        return self._situated(doc, t, found), t_end

    def _relative_locator(self, doc: _Doc, t: int, head: list[Draft], before: list[Draft]) -> list[Draft]:
        """A direction from a place that only says where other places lie: a few words after a smaller place
        of the same sentence ("قرية خواجة خليل على نهر دجلة شرق ناحية بادوش"), or right after a place word
        with no name ("تسع قرى شمال بلدة بعشيقة")."""
        if len(head) != 1 or not head[0].relation or head[0].sector is not None or \
                head[0].role not in ("location", "origin"):
            return head
        if doc.has_stem_in("proximity_before", t - 1, t):
            # "(2 كم شمال غرب قضاء الحضر)": a distance and a direction describe where something else lies
            return [head[0]._replace(role="reference", relation="", notes=("distance from it",))]
        if t > 0 and doc.entries(t - 1, PlaceWord) and t not in doc.punctuated:
            # "تسع قرى شمال بلدة بعشيقة": the direction locates the unnamed places of the word before it
            return [head[0]._replace(role="reference", relation="", notes=("locator",))]
        if not before:
            return head
        previous = before[-1]
        gap = doc.text[previous.span.end:doc.span(t, t + 1).start]
        if len(gap.split()) > self.grammar.locator_reach or not self.grammar.clause_ends.isdisjoint(gap) \
                or not self.grammar.colons.isdisjoint(gap):
            return head
        if previous.role not in ("location", "origin") or self._rank(head[0], None) <= self._rank(previous, None):
            return head
        return [head[0]._replace(role="reference", relation="", notes=("locator",))]

    def _role_before(self, doc: _Doc, t: int) -> tuple[str, str]:
        """The role the words before a phrase without a cue give it, and a note saying why (the first rule that
        applies, in order of precedence)."""
        if doc.has_stem_in("approach_words", max(0, t - 4), t) and not doc.marked(self.grammar.phrase_ends, t - 3, t):
            return "reference", "approach"  # "تقترب من السيطرة على جامع النوري": not taken yet
        if self._victims_home(doc, t):
            return "home", "where victims came from"
        if self._between_road_ends(doc, t):
            return "reference", "end of a road"
        if doc.has_stem_in("description_words", t - 1, t):
            return "reference", "described"
        return "location", ""

    def _victims_home(self, doc: _Doc, t: int) -> bool:
        """"القتلى هم من سكان قرى … بما فيها بلدة الزاوية": the victims' home, not where they were killed."""
        home = doc.last_with("home_words", t - self.grammar.home_window + 1, t)
        return home >= 0 and not doc.marked(self.grammar.clause_ends, home + 1, t) \
            and doc.has_stem_in("victim_words", home - 3, home)

    def _between_road_ends(self, doc: _Doc, t: int) -> bool:
        """"قطع طريق المسلحين بين قرية عين طلاوي وتلال سينو": the places a road runs between."""
        if t <= 0 or doc.words[t - 1] not in self.grammar.between_words:
            return False
        return doc.has_stem_in("road_words", t - 6, t - 1)

    def _cue_role(self, doc: _Doc, t: int, role: str) -> tuple[str, str]:
        """The role a cue gives, corrected by the words before it; and a note when it was corrected."""
        before = doc.words[t - 1] if t > 0 else ""
        if role == "origin" and before:
            if self._is_partitive(before):
                return "location", ""
            if doc.has_stem_in("proximity_before", t - 3, t):
                return "reference", "distance or approach"
            if doc.entries(t - 1, DirectionWord):
                return "reference", "direction from it"  # "الواقع إلى الجنوب من مدينة الموصل"
            if doc.has_stem_in("departure_words", t - 3, t):
                return "departure", "where a force set out from"
            if before.isdigit():
                return "location", ""
        if role == "destination":
            fire = doc.last_with("fire_words", t - self.grammar.fire_window, t)
            if fire >= 0 and not doc.marked(self.grammar.sentence_ends, fire + 1, t):  # and no sentence end since the fire
                return "location", "target of fire"
        return role, ""

    def offset(self, place: Place, bearing: float) -> tuple[float | None, float | None]:
        """The point offset from a place along a bearing (see offset_point), computed once per place and bearing."""
        key = (place.lat, place.lon, place.kind, bearing)
        point = self._points.get(key)
        if point is None:
            point = self._points[key] = offset_point(place, bearing, self.grammar.offset_km)
        return point

    def _has_stem(self, word: str, stems: str) -> bool:
        """Whether a reading of the word is in the grammar word list named `stems` (one of _WORD_LISTS)."""
        return stems in self._in_word_lists[word]

    def _colon_list_word(self, doc: _Doc, t: int) -> PlaceWord | None:
        """The plural place word a list after a colon (before token t) belongs to (تسع قرى ...، أبرزها: تل حاجم)."""
        for i in range(t - 1, max(-1, t - 1 - self.grammar.colon_list_window), -1):
            if i + 1 < t and doc.marked(self.grammar.sentence_ends, i + 1, i + 1):
                return None
            words = [w for w in doc.entries(i, PlaceWord) if w.many]
            if words:
                return words[0]
        return None

    def _situated(self, doc: _Doc, t: int, found: list[Draft]) -> list[Draft]:
        """Places named as where a source spoke or where people now live are not the event's place.

        "أفاد طبيب في مستشفى برطلة" (a facility after a speaker), "نازحون يقيمون في مخيم الخازر" (a camp after
        a word of living there). t is the token of the first place.
        """
        if not found or found[0].role != "location" or t <= 0:
            return found
        m = doc.at.get(t)
        i = t - 1
        construct = doc.words[t] in self.bank.place_word_forms and not (m and m.prefix)  # "مدير مخيم حسن شام"
        if doc.words[i] in self.grammar.in_words:
            i -= 1
        elif not (m and m.prefix and m.prefix.endswith(self.grammar.in_prefixes)) and not construct:
            return found
        head = found[0]
        kinds = {p.kind for p in head.candidates}
        role = ""
        if doc.has_stem_in("source_speakers", i - 1, i + 1) and \
                (kinds & {"landmark", "camp"} or head.word_type in ("site", "building", "camp")):
            role = "source"
        elif doc.has_stem_in("residence_words", i - 1, i + 1) and \
                ("camp" in kinds or head.word_type == "camp"):
            role = "residence"
        if not role:
            return found
        return [d._replace(role=role) if d.role == head.role else d for d in found]

    def _is_partitive(self, word: str) -> bool:
        return self._has_stem(word, "not_origin_before")

    def _head(self, doc: _Doc, t: int, before: list[Draft], role: str) -> _Parsed:
        """The first place of a phrase: a relative place, a place word with its name, or a bare name."""
        m = doc.at.get(t)
        if m is not None:
            for d in m.payload.directions.get("form", ()):
                found = self._relative(doc, t, d, before, role)
                if found:
                    return found
            words = m.payload.by_type.get(PlaceWord)
            if words:
                return self._after_place_word(doc, t, words[0], before, role)
            if "demonstrative" in m.payload.tags:
                ref = self._back_reference(doc, t, m.token_end, before, role)
                if ref[0]:
                    return ref
        draft, t_end = self._name(doc, t, None, licensed=False, role=role)
        if draft is None:
            return [], t, None
        return [draft], t_end, self._context(draft, role)

    def _context(self, draft: Draft, role: str) -> _ListContext:
        """What a list opened by a bare name accepts: ordinary-word names only after a local place."""
        local = not LOCAL_KINDS.isdisjoint(map(_kind, draft.candidates))
        return _ListContext(role, local, self._rank(draft, None))

    def _rank(self, draft: Draft, word: PlaceWord | None) -> int:
        if word is not None:
            return word.type.rank
        if draft.word_type in self.grammar.types:  # "محلة ابن الهيثم" is smaller than its quarter
            return self.grammar.types[draft.word_type].rank
        ranks = self.grammar.kind_ranks
        if len(draft.candidates) == 1:
            return ranks.get(draft.candidates[0].kind, 1)
        kinds = [p.kind for p in draft.candidates] or (["district"] if draft.sector else ["neighbourhood"])
        return max(ranks.get(k, 1) for k in kinds)

    def _item(self, doc: _Doc, u: int, ctx: _ListContext, before: list[Draft]) -> _Parsed:
        """A further item of a list: [place word] name, or a bare ordinal (الهرمات الأولى والثانية)."""
        m = doc.at.get(u)
        words = m.payload.by_type.get(PlaceWord, ()) if m else ()
        if words and not words[0].definite:
            return self._after_place_word(doc, u, words[0], before, ctx.role)
        ordinals = m.payload.tags.get("ordinal", ()) if m else ()
        if ordinals and before and before[-1].parts:
            previous = before[-1]
            span = doc.span(u, u + 1)
            parents = tuple(p for p in previous.parts)
            number = int(ordinals[0].value)
            part = previous._replace(span=span, notes=(f"part {number}",),
                                     candidates=tuple(self._sub_area(p, number, span.text) for p in parents))
            return [part], u + 1, ctx
        draft, u_end = self._name(doc, u, ctx.word, licensed=ctx.licensed, role=ctx.role, in_list=True)
        if draft is None:
            return [], u, ctx
        return [draft], u_end, ctx._replace(rank=self._rank(draft, None))

    def _after_place_word(self, doc: _Doc, t: int, word: PlaceWord, before: list[Draft], role: str) -> _Parsed:
        m = doc.at[t]
        n = m.token_end
        if word.definite:
            return self._definite_place_word(doc, t, word, before, role)
        if doc.tags(n, "demonstrative"):
            return self._back_reference(doc, t, doc.at[n].token_end, before, role)
        gap = doc.gaps[n]
        if n >= len(doc.words) or not (self._only_quotes_between(gap) or (word.many and self._list_opening(gap))):
            return [], t, None
        draft, t_end = self._name(doc, n, word, licensed=True, role=role)
        if draft is not None and word.type.head_in_name:  # "تلة الزعتر": the head is part of the name
            start = doc.norm.offsets[m.norm_start]
            draft = draft._replace(span=Span(start, draft.span.end, doc.text[start:draft.span.end]))
        if draft is None:
            return [], t, None
        # only a plural or a dual announces more names than the gazetteer knows (قرية اليرموك وأضحت: no list)
        opener = word if word.type.unknown_names and word.many else None
        return [draft], t_end, _ListContext(role, True, word.type.rank, opener)

    def _list_opening(self, gap: str) -> bool:
        """A slash or colon between a plural place word and its list: "أحياء/ السلام والوحدة"."""
        marks = gap.strip()
        return bool(marks) and all(c in self.grammar.list_openers or c.isspace() or c in self.grammar.quotes
                                   or c in self.grammar.brackets for c in marks)

    def _definite_place_word(self, doc: _Doc, t: int, word: PlaceWord, before: list[Draft], role: str) -> _Parsed:
        """المحور الشرقي (a sector), المدينة (the city), المنطقة (the place just named)."""
        n = doc.at[t].token_end
        adjectives = doc.directions(n, "adjective")
        if word.type.sector and adjectives:
            t_end = self._city_tail(doc, doc.at[n].token_end)
            sector = [self._sector_draft(adjectives[0].direction, doc.span(t, t_end), role)]
            if word.type.name == "axis" and t_end < len(doc.words) and t_end not in doc.punctuated \
                    and not doc.entries(t_end, PlaceWord) and not doc.entries(t_end, Cue):
                named, named_end = self._name(doc, t_end, None, licensed=False, role="reference")
                if named is not None and named.candidates:  # "المحور الشمالي سد الموصل": the front's name
                    return sector + [named._replace(notes=named.notes + ("names the axis",))], named_end, None
            return sector, t_end, None
        if word.type.name == "city":
            draft = self._the_city(doc.span(t, n), before, role)
            return [draft], n, self._context(draft, role)
        if word.type.bare_reference and not self._followed_by_definite_word(doc, n):
            return self._back_reference(doc, t, t, before, role)
        return [], t, None

    def _followed_by_definite_word(self, doc: _Doc, n: int) -> bool:
        """المنطقة الخضراء is a name of its own, not "the area" just mentioned."""
        if n >= len(doc.words) or n in doc.punctuated:
            return False
        word = doc.words[n]
        return word.startswith(self.clitics.article) and word not in self.grammar.name_stops

    def _back_reference(self, doc: _Doc, t: int, w: int, before: list[Draft], role: str) -> _Parsed:
        """هذه الناحية / مركز هذه الناحية / المنطقة: the latest earlier place of the word's type.

        t is where the phrase starts, w the index of the definite place word.
        """
        words = [x for x in doc.entries(w, PlaceWord) if x.definite and not x.many]
        if not words:
            return [], t, None
        word, t_end = words[0], doc.at[w].token_end
        span = doc.span(t, t_end)
        if word.type.name == "city":
            return [self._the_city(span, before, role)], t_end, None
        for prev in reversed(before):
            if span.start - prev.span.end > self.grammar.back_reference_max_chars:
                break
            if not prev.candidates or prev.role == "reference":
                continue
            if prev.word_type == word.type.name or any(p.kind in word.type.kinds for p in prev.candidates):
                draft = prev._replace(span=span, role=role, relation="", notes=("back-reference",),
                                      word_type=word.type.name)
                return [draft], t_end, None
        return [], t, None

    def _the_city(self, span: Span, before: list[Draft], role: str) -> Draft:
        """المدينة: the last city named before (the campaign city or a foreign one), else the campaign city."""
        for prev in reversed(before):
            if prev.world is not None and prev.world.world_kind == "city":
                return Draft(span, role="out_of_area", world=prev.world, notes=("the city",))
            if any(p.place_id == self.city.place_id for p in prev.candidates):
                break
        return Draft(span, (self.city,), role=role, notes=("the city",), word_type="city")

    def _name(self, doc: _Doc, t: int, word: PlaceWord | None, *, licensed: bool, role: str,
              in_list: bool = False) -> tuple[Draft | None, int]:
        """A gazetteer name, an out-of-area name, a bank phrase or (after a place word) an unknown name.

        A name followed by an ordinal is a numbered sub-area (مشيرفة الثالثة); one followed by a direction
        adjective is that part of the place (وادي العين الشمالية).
        """
        if t >= len(doc.words):
            return None, t
        m = doc.at.get(t)
        draft = None
        if m is not None:
            draft, t_end = self._known_name(doc, m, word, licensed, role)
        local_word = word is not None and word.type.unknown_names and word.type.name not in ("city", "governorate")
        if draft is not None and draft.world is not None and local_word and word.type.rank <= 1:  # type: ignore[union-attr]
            draft = None  # "حي الجزائر" is a quarter, not Algeria
        if draft is None and word is not None and word.type.unknown_names:
            draft, t_end = self._unknown_name(doc, t, word, role, in_list=in_list)
        if draft is None:
            return None, t
        after = doc.at.get(t_end)  # the phrase right after the name, if any
        if after is not None and t_end in doc.punctuated:
            after = None
        if draft.candidates and not draft.sector and not draft.parts:
            number = self._ordinal_ending[m.phrase] if m is not None and t_end == m.token_end else None
            if number is not None and any(normalise_phrase(p.name_ar).split()[-1] == m.phrase.split()[-1]  # type: ignore[union-attr]
                                          for p in draft.candidates):
                number = None  # "الجسر الخامس" is the name itself, not a part of a place
            ordinals = after.payload.tags.get("ordinal") if after is not None else None
            if ordinals:
                number, t_end = int(ordinals[0].value), after.token_end  # type: ignore[union-attr]
                draft = draft._replace(span=self._extended(doc, draft.span, t_end))
                after = doc.at.get(t_end)
                if after is not None and t_end in doc.punctuated:
                    after = None
            if number is not None:
                draft = draft._replace(parts=draft.candidates, notes=draft.notes + (f"part {number}",),
                                       candidates=tuple(self._sub_area(p, number, draft.span.text)
                                                        for p in draft.candidates))
        adjectives = after.payload.directions.get("adjective") \
            if after is not None and not draft.sector and draft.world is None else None
        if adjectives and all(p.kind in LOCAL_KINDS for p in draft.candidates):
            relation = adjectives[0].direction.relation
            t_end = after.token_end  # type: ignore[union-attr]
            draft = draft._replace(span=self._extended(doc, draft.span, t_end), relation=relation if draft.candidates
                                   else "", notes=draft.notes + (f"{relation} part",))
        return draft, t_end

    def _extended(self, doc: _Doc, span: Span, t_end: int) -> Span:
        """The span stretched to the end of token t_end - 1."""
        _, end = doc.norm.to_original(doc.starts[t_end - 1], doc.ends[t_end - 1])
        return Span(span.start, end, doc.text[span.start:end])

    def _ending_ordinal(self, phrase: str) -> int | None:
        """The number of a phrase of several words that ends in an ordinal (القادسية الثانية), else None."""
        before, _, last = phrase.rpartition(" ")  # phrases are words joined by single spaces
        return self.bank.ordinal_of.get(last) if before else None

    def _sub_area(self, parent: Place, number: int, written: str) -> Place:
        """Numbered part of a place (المشيرفة الثالثة), put at its parent's point."""
        ordinal = written.split()[-1]
        base = parent.name_ar[:-len(ordinal)].strip() if parent.name_ar.endswith(ordinal) else parent.name_ar
        return replace(parent, place_id=f"{parent.place_id}_{number}", name_ar=f"{base} {ordinal}",
                       name_en=f"{parent.name_en} (part {number})", parent_id=parent.place_id,
                       precision=max(2, parent.precision),
                       source=f"estimate: the point of {parent.name_en} ({parent.place_id})")

    def _known_name(self, doc: _Doc, m: _Phrase, word: PlaceWord | None, licensed: bool,
                    role: str) -> tuple[Draft | None, int]:
        places, word_type, bank_district = self._names[m.phrase, m.payload, word and word.type, licensed]
        if places:
            draft = Draft(self._unquoted(doc, m), places, role=role, word_type=word_type)
            return self._with_bank_tail(doc, m, draft) if bank_district else (draft, m.token_end)
        world = m.payload.by_type.get(WorldPlace, ())
        if world:
            return Draft(doc.span(m.token_start, m.token_end), role="out_of_area", world=world[0],
                         notes=("out of area",)), m.token_end
        banks = m.payload.tags.get("bank", ())
        if banks:
            return self._with_bank_tail(doc, m, self._bank_draft(doc.span(m.token_start, m.token_end), banks[0].value, role))
        return None, m.token_start

    def _named_places(self, phrase: str, entries: PhraseEntries, word_type: PlaceType | None,
                      licensed: bool) -> tuple[tuple[Place, ...], str, bool]:
        """The gazetteer places a phrase can name after a place word of this type (or with none), whether they are
        the city's bank districts, and the type of the place word they were introduced by."""
        aliases: Sequence[Alias] = entries.by_type.get(Alias, ())
        if word_type is not None:
            fitting = [a for a in aliases if a.place.kind in word_type.kinds]
            aliases = fitting if fitting or word_type.strict_kinds else aliases
        places = tuple(dict.fromkeys([a.place for a in aliases if licensed or not a.needs_context]))
        type_name = word_type.name if word_type else self._head_word_type(phrase)
        # a draft of the candidates alone: is_bank_district reads nothing else
        return places, type_name, bool(places) and is_bank_district(Draft(None, places), self.city)  # type: ignore[arg-type]

    def _head_word_type(self, phrase: str) -> str:
        """The type of the place word an alias starts with (محلة ابن الهيثم -> mahalla), else ""."""
        first = phrase.partition(" ")[0]  # phrases are words joined by single spaces
        return self.bank.type_of_word.get(first, "") if first in self.bank.place_word_forms else ""

    def _bank_draft(self, span: Span, bank: str, role: str) -> Draft:
        """A bank phrase: the gazetteer's district of that bank, else a synthetic east/west sector."""
        for p in self.gazetteer.places.values():
            if p.kind == "district" and p.bank == bank and p.parent_id == self.city.place_id:
                return Draft(span, (p,), role=role)
        direction = next(d.direction for d in self.grammar.directions if d.direction.bank == bank
                         and "-" not in d.direction.relation)
        return self._sector_draft(direction, span, role)

    def _with_bank_tail(self, doc: _Doc, m: _Phrase, draft: Draft) -> tuple[Draft, int]:
        """الجانب الغربي [من مدينة الموصل | للموصل]: the city after a bank phrase belongs to it."""
        t_end = self._city_tail(doc, m.token_end)
        if t_end == m.token_end:
            return draft, t_end
        return draft._replace(span=doc.span(m.token_start, t_end)), t_end

    def _city_tail(self, doc: _Doc, n: int) -> int:
        """End of an optional "من [مدينة] الموصل", "للموصل", "للمدينة" after a sector or bank phrase."""
        first = doc.at.get(n)
        g = self.grammar
        i = n + 1 if n < len(doc.words) and doc.words[n] in g.of_words else n
        if i == n and not (first and any(c in first.prefix for c in g.of_prefixes)):
            return n
        words = doc.entries(i, PlaceWord)
        if words and words[0].type.name == "city":
            if words[0].definite:
                return doc.at[i].token_end
            i = doc.at[i].token_end
        m = doc.at.get(i)
        if m and any(a.place.place_id == self.city.place_id for a in m.payload.by_type.get(Alias, ())):
            return m.token_end
        return n

    def _unquoted(self, doc: _Doc, m: _Phrase) -> Span:
        """The span of an alias match without a place word cut off by a quote (ناحية "بادوش" -> بادوش)."""
        for i in range(m.token_end - 1, m.token_start, -1):
            if not self._quote_marks.isdisjoint(doc.gaps[i]):
                return doc.span(i, m.token_end)
        return doc.span(m.token_start, m.token_end)

    def _unknown_name(self, doc: _Doc, t: int, word: PlaceWord, role: str, *,
                      in_list: bool = False) -> tuple[Draft | None, int]:
        """One to three words after a place word (or a quoted name) that the gazetteer does not know.

        After a plural only a quoted name is taken on trust ("مخيمات تؤوي"), but a later item of a list of
        places, or a definite name after a dual (حيي سومر والساهرون), is a name when it ends where the list
        item ends. A close spelling of a gazetteer name of a fitting kind resolves to that place.
        """
        quoted = doc.gaps[t].rstrip()[-1:] in self.grammar.quotes
        definite = doc.words[t].startswith(self.clitics.article)
        if (word.type.quoted_names_only or (word.type.definite_names_only and not definite)) and not quoted:
            return None, t
        trusted = quoted or not word.many
        gap = doc.gaps[t]
        closed = any(c in gap for c in ")]»”") or gap.lstrip()[:1] in self.grammar.quotes  # the list has ended
        bounded = not trusted and not closed and (in_list or (word.dual and definite))
        if not trusted and not bounded:
            return None, t
        if bounded and t in doc.punctuated and self._without_conjunction(doc.words[t]) != doc.words[t]:
            return None, t  # "، وسيطروا": a comma and و start a clause, not another unknown item
        limit = 5 if quoted else 3
        last, ended = t, False
        while last < len(doc.words) and last - t < limit:
            w = doc.words[last]
            if last > t and (last in doc.punctuated or w in self.grammar.list_conjunctions or doc.at.get(last)):
                ended = True
                break  # punctuation, a closing quote, a conjunction or a known word ends the name
            known = doc.at.get(last) if last > t or not self._world_only(doc.at.get(last)) else None
            numbered = last == t and word.type.numbered_names and w.isdigit()
            joined = self._starts_with_conjunction(w) and not (last == t and in_list)  # "والزيتون" opens an item
            if not quoted and ((self._stops_name(self._without_conjunction(w) if last == t and in_list else w)
                                and not numbered) or joined or known):
                ended = True
                break  # "بث حي ومباشر", "قرية صغيرة": not names
            last += 1
        ended = ended or last == len(doc.words) or last in doc.punctuated or self._ends_name(doc, last)
        if last == t or (bounded and not ended):
            return None, t
        span = doc.span(t, last) if doc.at.get(t) is None else self._plain_span(doc, t, last)
        if in_list and doc.at.get(t) is None and self._starts_with_conjunction(doc.words[t]):
            skip = len(doc.words[t]) - len(self._without_conjunction(doc.words[t]))
            s, e = doc.norm.to_original(doc.starts[t] + skip, doc.ends[last - 1])
            span = Span(s, e, doc.text[s:e])
        place = self._similar_place(normalise_phrase(span.text), word)
        if place is not None:
            return Draft(span, (place,), role=role, notes=("similar spelling",), word_type=word.type.name), last
        return Draft(span, role=role, notes=("unresolved",), word_type=word.type.name), last

    def _plain_span(self, doc: _Doc, t: int, last: int) -> Span:
        m = doc.at[t]
        s, e = doc.norm.to_original(m.norm_start, doc.ends[last - 1])
        return Span(s, e, doc.text[s:e])

    def _world_only(self, m: _Phrase | None) -> bool:
        """A match that is only an out-of-area name (الجزائر), which a local place word overrides."""
        return m is not None and len(m.payload.by_type.get(WorldPlace, ())) == len(m.payload.items)

    def _ends_name(self, doc: _Doc, n: int) -> bool:
        """Whether the word at n cannot continue a name: a conjunction, a stop word or a known phrase."""
        if n >= len(doc.words):
            return True
        w = doc.words[n]
        return w in self.grammar.list_conjunctions or self._starts_with_conjunction(w) or self._stops_name(w) \
            or doc.at.get(n) is not None

    def _similar_place(self, name: str, word: PlaceWord) -> Place | None:
        """The one gazetteer place of a fitting kind whose name is spelt almost like this one, else None."""
        bare = bare_name(name, self.clitics.article)
        if len(bare) < self.grammar.fuzzy_min_letters:
            return None
        scored = sorted(((fuzz.ratio(bare, key), rank, place) for n in range(len(bare) - 2, len(bare) + 3)
                         for rank, key, place in self.bank.fuzzy_names.get(n, ()) if place.kind in word.type.kinds),
                        key=lambda x: (-x[0], x[1]))
        if not scored or scored[0][0] < self.grammar.fuzzy_min_score:
            return None
        best = scored[0][2]
        rivals = [score for score, _, place in scored[1:] if place.place_id != best.place_id]
        if rivals and rivals[0] > scored[0][0] - self.grammar.fuzzy_margin:
            return None
        return best

    def _stops_name(self, word: str) -> bool:
        """Digits, stop words, and words with an attached preposition and article (بالصواريخ) end a name."""
        attached = any(word.startswith(p + self.clitics.article) for p in self.clitics.prepositions) \
            or word.startswith(self.clitics.lam_article)
        return word.isdigit() or attached or self._has_stem(word, "name_stops")

    def _relative(self, doc: _Doc, t: int, direction: DirectionWord, before: list[Draft], role: str) -> _Parsed | None:
        """جنوب حي الصحة (offset from a place), غرب الموصل / شمال غرب المدينة (a sector of the city)."""
        n = doc.at[t].token_end
        if n >= len(doc.words) or n in doc.punctuated:
            return None
        anchor, t_end, _ = self._head_without_direction(doc, n, before, role)
        if not anchor:
            return None
        draft = anchor[0]
        rel = direction.direction
        if draft.candidates and all(p.place_id == self.city.place_id for p in draft.candidates):
            return [self._sector_draft(rel, doc.span(t, t_end), role)], t_end, None
        draft = draft._replace(relation=rel.relation, notes=draft.notes + (f"{rel.relation} of the place",))
        return [draft], t_end, self._context(draft, role)

    def _head_without_direction(self, doc: _Doc, t: int, before: list[Draft], role: str) -> _Parsed:
        words = doc.entries(t, PlaceWord)
        if words:
            return self._after_place_word(doc, t, words[0], before, role)
        draft, t_end = self._name(doc, t, None, licensed=False, role=role)
        return ([draft], t_end, None) if draft else ([], t, None)

    def _sector_draft(self, direction: Direction, span: Span, role: str) -> Draft:
        """A compass sector of the campaign city (North-west Mosul) as a synthetic district."""
        return Draft(span, role=role, relation=direction.relation, sector=self._sectors[direction, span.text])

    def _sector(self, direction: Direction, written: str) -> Place:
        city = self.city
        lat, lon = self.offset(city, direction.bearing)
        return Place(f"{city.place_id}_{direction.relation.replace('-', '_')}", written,
                     f"{direction.en} {city.name_en}", "district", direction.bank, city.place_id, lat, lon, 3,
                     "offset from the city point", city.license)

    def _tails(self, doc: _Doc, t: int, ctx: _ListContext | None, before: list[Draft]) -> tuple[list[Draft], int]:
        """Places that only locate the place before them: شمالي القيارة، وسط قضاء الحمدانية، في الساحل الأيسر."""
        found: list[Draft] = []
        while ctx is not None and t < len(doc.words):
            gap = self._unquoted_gaps[doc.gaps[t]]
            if gap not in ("", "(", "[", "،", ","):
                break
            if gap in ("،", ","):
                # "نحو معسكر حسن شام، في منطقة الخازر": after a comma, في and a place word say where it lies
                item, t_end = self._comma_locator(doc, t, before + found)
                if not item:
                    break
                found += item
                t = t_end
                continue
            if gap:  # a place in brackets after a place only locates it: "موصل الجديدة (وادي العين)"
                item, t_end, _ = self._head(doc, t, before + found, "reference")
                if not item or doc.gaps[t_end].strip()[:1] not in (")", "]"):
                    break
                found += [d._replace(role="reference") for d in item]
                t = t_end
                continue
            m = doc.at.get(t)
            if m is None:
                break  # a word of no phrase neither locates nor points from the place before it
            if "pronoun" in m.payload.directions:
                t = m.token_end
                continue
            forms = m.payload.directions.get("form")
            if forms:
                anchor = self._relative(doc, t, forms[0], before + found, "reference")
                if not anchor:
                    break
                found += [d._replace(role="reference") if d.sector else
                          d._replace(role="reference", relation="", notes=("locator",)) for d in anchor[0]]
                t = anchor[1]
                continue
            locators = m.payload.tags.get("locator", ())
            start = m.token_end if locators else t
            if not locators and not self._has_attached_locator(doc, t):
                break
            if locators and locators[0].value.endswith(" ل") and not self._has_attached_locator(doc, start):
                break  # "التابعة" needs its ل on the next word: "التابعة لبلدة الشورة"
            item, t_end, _ = self._head_without_direction(doc, start, before + found, "reference")
            if not item:
                direction = doc.directions(start, "form")
                relative = self._relative(doc, start, direction[0], before + found, "reference") if direction else None
                item, t_end = (relative[0], relative[1]) if relative else ([], t)
            if not item:
                break
            near = bool(locators) and locators[0].value in self.grammar.proximity_locators
            always = near or (locators and locators[0].value in self.grammar.enclosing_locators)
            inside = self._unknown_site_in(before, item[0]) and not near
            if inside:  # مطعم "حسين الشيخ" في حي الزهور: the quarter is the place on the map, the building a detail
                found.append(item[0]._replace(role=before[-1].role, notes=item[0].notes + (_ENCLOSES_SITE,)))
                t = t_end
                continue
            if not always and self._rank(item[0], None) <= ctx.rank:
                break
            found += [d._replace(role="proximity" if near else "reference") for d in item]
            t = t_end
        return found, t

    def _comma_locator(self, doc: _Doc, t: int, before: list[Draft]) -> tuple[list[Draft], int]:
        if not any(tag.value == "في" for tag in doc.tags(t, "locator")) or doc.at[t].prefix:
            return [], t
        start = doc.at[t].token_end
        words = doc.entries(start, PlaceWord)
        if not words or words[0].definite or words[0].many:
            return [], t
        item, t_end, _ = self._after_place_word(doc, start, words[0], before, "reference")
        if not item or not item[0].candidates:
            return [], t
        return [d._replace(role="reference", notes=("locator",)) for d in item], t_end

    def _unknown_site_in(self, before: list[Draft], item: Draft) -> bool:
        """An unresolved building (a quoted name after مطعم، فندق ...) followed by a known local place."""
        return bool(before) and not before[-1].candidates and before[-1].word_type in ("site", "building") and \
            any(p.kind in LOCAL_KINDS for p in item.candidates)

    def _has_attached_locator(self, doc: _Doc, t: int) -> bool:
        m = doc.at.get(t)
        return bool(m and m.prefix and m.prefix[-1] in self._preposition_letters
                    and not self._starts_with_conjunction(m.prefix))

    def _without_conjunction(self, word: str) -> str:
        conj = next((c for c in self.grammar.list_conjunctions if word.startswith(c) and len(word) > len(c) + 2), "")
        return word[len(conj):]

    def _starts_with_conjunction(self, word: str) -> bool:
        return word.startswith(self.grammar.list_conjunctions)

    def _continuation(self, doc: _Doc, t: int) -> int | None:
        """Token index of the next list item after t, or None when the list ends."""
        if t >= len(doc.words):
            return None
        gap = doc.gaps[t]
        if self._ends_list[gap]:
            return None
        if doc.words[t] in self.grammar.list_conjunctions and t + 1 < len(doc.words) \
                and self._only_quotes_between(doc.gaps[t + 1]):
            return t + 1
        m = doc.at.get(t)
        if m and self._starts_with_conjunction(m.prefix):
            return t
        if m is None and self._starts_with_conjunction(doc.words[t]) \
                and self._without_conjunction(doc.words[t]) != doc.words[t] and not gap.strip():
            return t  # "والزيتون": an item the gazetteer does not know, taken only if the list's word allows it
        if not self.grammar.list_separators.isdisjoint(gap):  # "، " and the dash of "سنجار - تلعفر"
            return t
        return None

    def _only_quotes_between(self, gap: str) -> bool:
        """Only spaces, quotes and brackets between two words: أحياء (السلام ...)، قرية "عباس رجب"."""
        return gap.isspace() or all(c.isspace() or c in self._quote_marks for c in gap)


def is_bank_district(draft: Draft, city: Place) -> bool:
    """The draft names one of the city's bank districts (the gazetteer's district of one bank)."""
    return all(p.kind == "district" and p.parent_id == city.place_id and p.bank in RIVER_BANKS
               for p in draft.candidates)


def offset_point(place: Place, bearing: float, offset_km: dict[str, float]) -> tuple[float | None, float | None]:
    """A point offset from a place along a bearing ("south of X"), by the distance its kind calls for."""
    if place.lat is None or place.lon is None:
        return place.lat, place.lon
    from geopy.distance import distance  # imported when first needed: it brings every geocoder with it

    km = offset_km.get(place.kind, 1.0)
    point = distance(kilometers=km).destination((place.lat, place.lon), bearing=bearing)
    return round(point.latitude, 6), round(point.longitude, 6)
