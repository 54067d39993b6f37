"""Interface labels as data: every entry in every language, with an English fallback."""

import pytest

from pipeline.errors import DataFileError
from pipeline.view.i18n import load_labels

LABELS = load_labels()


def test_every_label_exists_in_english_and_arabic():
    assert set(LABELS.languages) == {"en", "ar"}


def test_placeholders_are_filled():
    assert LABELS.text("unmapped", "ar", n=3).startswith("3 ")


def test_values_without_a_label_show_as_themselves():
    assert LABELS.term("event_type", "new_type", "ar") == "new_type"


def test_every_event_type_of_the_schema_has_a_label_and_a_colour():
    types = {"airstrike", "shelling", "clash", "advance", "vbied_ied", "sniper", "displacement", "civilian_harm",
             "abuse", "other"}
    assert types <= set(LABELS.groups["event_type"]) and types <= set(LABELS.colours)


def test_an_untranslated_entry_is_refused_naming_it(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("languages: {en: English, ar: العربية}\nui:\n  title: {en: Title}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="ui.title"):
        load_labels(path)
