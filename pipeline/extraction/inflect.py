"""Inflected forms of verb and noun lemmas, from the affix rules of a language (inflection.yaml).

Lexicons list a verb once (حاصر) and get its persons and tenses (حاصرت، حاصروا، يحاصر، تحاصر،
يحاصرون); matching stays exact on word forms, so it is as fast as a hand-written list and never
confuses two words that share a root, as stemmers do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import DataFileError
from pipeline.resources import load_yaml

@dataclass(frozen=True)
class InflectionRules:
    perfect_suffixes: tuple[str, ...]
    defective_ending: str
    defective_perfect_suffixes: tuple[str, ...]
    imperfect_prefixes: tuple[str, ...]
    imperfect_suffixes: tuple[str, ...]
    defective_imperfect_suffixes: tuple[str, ...]
    imperfect_drops_initial: tuple[str, ...]
    imperfect_prefix: str
    imperfect_defective_ending: str
    imperfect_defective_endings: tuple[str, ...]
    noun_suffixes: tuple[str, ...]
    feminine_ending: str
    feminine_suffixes: tuple[str, ...]
    uninflected_endings: tuple[str, ...]
    article: str


@lru_cache(maxsize=None)
def load_inflection_rules(lexicon_dir: Path) -> InflectionRules:
    path = lexicon_dir / "inflection.yaml"
    data = load_yaml(path)
    try:
        verb, noun = data["verb"], data["noun"]
        return InflectionRules(
            tuple(verb["perfect_suffixes"]), verb["defective_ending"], tuple(verb["defective_perfect_suffixes"]),
            tuple(verb["imperfect_prefixes"]), tuple(verb["imperfect_suffixes"]),
            tuple(verb["defective_imperfect_suffixes"]), tuple(verb["imperfect_drops_initial"]),
            verb["imperfect_prefix"], verb["imperfect_defective_ending"], tuple(verb["imperfect_defective_endings"]),
            tuple(noun["suffixes"]), noun["feminine_ending"], tuple(noun["feminine_suffixes"]),
            tuple(noun["uninflected_endings"]), noun["article"])
    except (KeyError, TypeError) as err:
        raise DataFileError(path, f"expected verb and noun affix lists: {err}") from err


def verb_forms(lemma: str, rules: InflectionRules, *, perfect_tense: bool = True) -> list[str]:
    """Perfect and imperfect forms of a verb lemma ("حرر", or "استعاد/يستعيد" with its imperfect);
    only the imperfect ones with perfect_tense=False."""
    perfect, _, imperfect = lemma.partition("/")
    forms = []
    if perfect.endswith(rules.defective_ending):
        forms.append(perfect)
        forms += [perfect[:-1] + s for s in rules.defective_perfect_suffixes]
    else:
        forms += [perfect + s for s in rules.perfect_suffixes]
    if not imperfect:
        stem = perfect[1:] if perfect[0] in rules.imperfect_drops_initial else perfect
        if stem.endswith(rules.defective_ending):
            stem = stem[:-1] + rules.imperfect_defective_ending
        imperfect = rules.imperfect_prefix + stem
    if not perfect_tense:
        forms = []
    stem = imperfect[1:]
    for prefix in rules.imperfect_prefixes:
        if stem.endswith(rules.imperfect_defective_endings):
            forms.append(prefix + stem)
            forms += [prefix + stem[:-1] + s for s in rules.defective_imperfect_suffixes]
        else:
            forms += [prefix + stem + s for s in rules.imperfect_suffixes]
    return list(dict.fromkeys(forms))


def noun_forms(noun: str, rules: InflectionRules) -> list[str]:
    """A noun and, for a single word, its accusative, dual and sound plural forms; a two-word phrase
    (noun and adjective) and its definite form."""
    words = noun.split()
    if len(words) == 2 and not any(w.startswith(rules.article) for w in words):
        return [noun, " ".join(rules.article + w for w in words)]  # قصف عشوائي -> القصف العشوائي
    if len(words) > 1:
        return [noun]
    if noun.endswith(rules.feminine_ending):
        return [noun] + [noun[:-1] + s for s in rules.feminine_suffixes]
    if noun.endswith(rules.uninflected_endings):
        return [noun]
    return [noun] + [noun + s for s in rules.noun_suffixes]


__all__ = ["InflectionRules", "load_inflection_rules", "noun_forms", "verb_forms"]
