from pipeline.config import Settings
from pipeline.corpus.dedup import figures_compatible, merge_duplicate_events
from pipeline.extraction.events import load_event_lexicon
from pipeline.records import DatePrecision, DateWindow

from builders import day, event, figure, mention, place

HARM = load_event_lexicon(Settings().load_campaign()).harm_types
"""The types flagged `harm: true` in event_types.yaml."""


def clusters(events, harm_types=HARM):
    return {e.event_id: e.cluster_id for e in merge_duplicate_events(events, harm_types)}


def test_harm_flags_come_from_event_types_yaml():
    assert {"airstrike", "civilian_harm", "abuse"} <= HARM and not {"advance", "displacement"} & HARM


def test_a_civilian_toll_joins_its_cause_only_when_the_cause_is_flagged_harmful():
    toll = event("1" * 16, event_type="civilian_harm", figures=[figure(low=5, high=5)])
    cause = event("2" * 16, event_type="abuse", figures=[figure(low=5, high=5)], article="b")
    assert len(set(clusters([toll, cause]).values())) == 1
    assert len(set(clusters([toll, cause], HARM - {"abuse"}).values())) == 2


def test_two_articles_reporting_forces_entering_one_neighbourhood_share_a_cluster():
    c = clusters([event("a" * 16, article="000"), event("b" * 16, article="003")])
    assert c["a" * 16] == c["b" * 16]


def test_undated_report_can_join_a_dated_one():
    undated = DateWindow(None, None, DatePrecision.UNKNOWN)
    c = clusters([event("a" * 16, article="000", when=undated), event("b" * 16, article="003")])
    assert c["a" * 16] == c["b" * 16]


def test_different_places_types_or_dates_stay_apart():
    other = mention(place("wahda", name_ar="الوحدة", name_en="al-Wahda"))
    c = clusters([event("1" * 16), event("2" * 16, where=other, article="x"),
                  event("3" * 16, event_type="airstrike", article="y"),
                  event("4" * 16, when=day("2017-03-01"), article="z")])
    assert len(set(c.values())) == 4


def test_incompatible_figures_are_two_events():
    c = clusters([event("1" * 16, event_type="clash", figures=[figure(low=5, high=5)]),
                  event("2" * 16, event_type="clash", figures=[figure(low=50, high=50)], article="b")])
    assert c["1" * 16] != c["2" * 16]


def test_city_level_reports_in_different_articles_are_not_merged():
    city = mention(place("mosul", kind="city", bank="both", name_ar="الموصل", name_en="Mosul"), precision=3)
    c = clusters([event("1" * 16, event_type="clash", where=city, article="a"),
                  event("2" * 16, event_type="clash", where=city, article="b")])
    assert c["1" * 16] != c["2" * 16]


def test_a_toll_told_twice_in_one_article_is_one_cluster_and_counted_once():
    city = mention(place("mosul", kind="city", bank="both", name_ar="الموصل", name_en="Mosul"), precision=3)
    unsplit = event("1" * 16, event_type="airstrike", where=city, figures=[figure("casualties", 60, None)])
    split = event("2" * 16, event_type="civilian_harm", where=city, sentence=1,
                  figures=[figure("killed", 23, 23), figure("wounded", 40, 40)])
    merged = merge_duplicate_events([unsplit, split], HARM)
    assert merged[0].cluster_id == merged[1].cluster_id
    assert [e.cluster_primary for e in merged] == [False, True]


def test_rows_of_one_event_at_several_places_share_its_cluster_and_one_is_primary():
    rows = [event(f"{i}" * 16, group="g" * 16, where=mention(place(f"p{i}", name_ar=f"مكان{i}"))) for i in range(3)]
    merged = merge_duplicate_events(rows, HARM)
    assert len({e.cluster_id for e in merged}) == 1
    assert sum(e.cluster_primary for e in merged) == 1


def test_an_unsplit_toll_is_compatible_with_killed_plus_wounded_that_reach_it():
    assert figures_compatible((figure("casualties", 60, None),), (figure("killed", 23, 23), figure("wounded", 40, 40)))
    assert not figures_compatible((figure("casualties", 60, 60),), (figure("killed", 2, 2), figure("wounded", 3, 3)))


def test_reports_sharing_one_place_out_of_many_are_different_events():
    def at(ids, group, article):
        return [event(f"{group}{i}".ljust(16, "0"), group=group * 16, article=article,
                      where=mention(place(pid, name_ar=pid))) for i, pid in enumerate(ids)]
    c = clusters(at(["a", "b", "c", "d"], "1", "x") + at(["a", "e", "f", "g", "h"], "2", "y"))
    assert len(set(c.values())) == 2


def test_reports_sharing_half_their_places_are_one_event():
    def at(ids, group, article):
        return [event(f"{group}{i}".ljust(16, "0"), group=group * 16, article=article,
                      where=mention(place(pid, name_ar=pid))) for i, pid in enumerate(ids)]
    c = clusters(at(["salam", "filastin", "shayma", "wahda"], "1", "000")
                 + at(["salam", "intisar", "wahda", "filastin", "quds"], "2", "003"))
    assert len(set(c.values())) == 1


def test_after_its_article_a_city_level_cluster_is_final_and_no_longer_held():
    from pipeline.corpus.dedup import DuplicateMerger

    city = mention(place("mosul", kind="city", bank="both", name_ar="الموصل", name_en="Mosul"), precision=3)
    merger = DuplicateMerger(HARM)
    numbers = merger.add_events([event("1" * 16, event_type="clash", where=city, figures=[figure(low=2, high=2)]),
                                 event("2" * 16, event_type="clash", where=city, sentence=1,
                                       figures=[figure(low=2, high=2)]),
                                 event("3" * 16)])
    closed = merger.end_article()
    assert set(closed) == {numbers[0]} and numbers[0] == numbers[1]
    assert closed[numbers[0]].columns("1" * 16) == ("1" * 16, True, 2)
    assert merger.n_clusters == 2 and merger.cluster_of(numbers[2], "3" * 16) == ("3" * 16, True, 1)


def test_a_report_without_a_place_is_closed_with_its_article():
    from pipeline.corpus.dedup import DuplicateMerger

    from dataclasses import replace

    merger = DuplicateMerger(HARM)
    [number] = merger.add_events([replace(event("1" * 16), place=None)])
    assert merger.end_article()[number].columns("1" * 16) == ("1" * 16, True, 1)


def _monthly_reports(n):
    """n reports of one kind at one place, each in its own month: no two are one event."""
    import datetime as dt

    first = dt.date(2016, 1, 15)
    return [event(f"{i:016x}", article=f"a{i}", when=day((first + dt.timedelta(days=31 * i)).isoformat()))
            for i in range(n)]


def test_a_report_is_compared_with_the_leaders_of_its_weeks_not_every_earlier_one_at_its_place():
    from pipeline.corpus.dedup import _Block, _When

    block = _Block()
    months = [_monthly_reports(120)[i].date.start.toordinal() for i in range(120)]
    for leader, start in enumerate(months):
        block.add(leader, _When(start, start))
    compared = list(block.candidates(_When(months[60], months[60])))
    assert 60 in compared and len(compared) <= 3


def test_an_undated_report_is_still_compared_with_dated_leaders_at_its_place():
    undated = event("2" * 16, article="b", when=DateWindow(None, None, DatePrecision.UNKNOWN))
    c = clusters(_monthly_reports(30) + [undated])
    assert c["2" * 16] == "0" * 16


def test_a_leader_over_a_long_window_is_still_found_by_a_report_inside_it():
    import datetime as dt

    year = event("1" * 16, when=DateWindow(dt.date(2016, 1, 1), dt.date(2016, 12, 31), DatePrecision.RANGE))
    later = event("2" * 16, article="b", when=day("2016-08-09"))
    assert len(set(clusters([year, later]).values())) == 1
