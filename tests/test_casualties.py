"""Casualty and displacement figures: which numbers count the dead, wounded and displaced, and how."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.extraction.casualties import extract_figures, load_casualty_lexicon, summary_figures
from pipeline.extraction.document import document_for
from pipeline.errors import DataFileError

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "ar"


def figures_in(text, **bounds):
    return extract_figures(text, load_casualty_lexicon(LEXICON_DIR), **bounds)


def summary(figure):
    return (figure.kind, figure.low, figure.high, figure.vague, figure.victims, figure.approximate, figure.cumulative)


# Sentences of the gold quotes in tests/gold/seeds.jsonl, then forms the seeds lack.
# (kind, low, high, vague, victims, approximate, cumulative)
FIGURE_TABLE = [
    ("تعرّضت له معظم الأحياء، أسفرت عن مقتل وإصابة العشرات من المدنيين، وفقاً لمصادر",
     [("casualties", 20, 99, True, "civilians", False, False)]),
    ("إلى أنّ \"الغارات أسفرت عن تدمير مواقع لداعش، وقتل عدد من عناصر التنظيم\".",
     [("killed", 3, 10, True, "isis", False, False)]),
    ("أنّ ما لا يقل عن 60 قتيلاً وجريحاً غالبيتهم نساء وأطفال، سقطوا خلال القصف الجوي والصاروخي الذي شهدته "
     "أحياء المدينة، خلال الساعات الأربع والعشرين الماضية.",
     [("casualties", 60, None, False, "civilians", False, True)]),
    ("إنّ \"23 مدنياً قتلوا، بينهم 8 أشخاص من عائلة واحدة، كما أصيب نحو 40 آخرين، تم توزيعهم على ثلاثة مراكز طبية\".",
     [("killed", 23, 23, False, "civilians", False, False), ("wounded", 40, 40, False, "civilians", True, False)]),
    ("المصادر ذاتها أوضحت أن الشباب قتلوا أيضاً مقاتلَين إثنين لداعش و أحرقوا مركبتهما",
     [("killed", 2, 2, False, "isis", False, False)]),
    ("أعلنت وزارة الدفاع العراقية السبت أن طائرات التحالف الدولي قتلت المسؤول الأول عن تدريب قناصي داعش في ضربة "
     "استهدفته في جنوب حي الصحة",
     [("killed", 1, 1, False, "isis", False, False)]),
    ("فإن المدعو أبو عبد الله الكويتي الذي يحمل الجنسية الكويتية لقي حتفه في الغارة.",
     [("killed", 1, 1, False, "unknown", False, False)]),
    ("أفادت وكالة رويترز بأن مئات المدنيين فروا من الموصل السبت وهم يجرون عربات يدوية",
     [("displaced", 200, 999, True, "civilians", False, False)]),
    ("وقال أبو قحطان (63 عاما) وهو أحد وجهاء مجموعة مؤلفة من 41 شخصا ينتمون إلى خمس عائلات \"غادرنا من دون مياه\"",
     [("displaced", 41, 41, False, "civilians", False, False)]),
    ("وأقلتهم حافلات إلى مخيمات تؤوي أكثر من 400 ألف شخص نزحوا من الموصل منذ انطلاق عمليات استعادة السيطرة",
     [("displaced", 400000, None, False, "civilians", False, True)]),
    ("وكان المفوض قد قال في 28 آذار/ مارس إن 307 مدنيين على الأقل قتلوا وأصيب 237 آخرون منذ بداية العمليات في غرب "
     "الموصل في شباط/ فبراير.",
     [("killed", 307, None, False, "civilians", False, True), ("wounded", 237, 237, False, "civilians", False, True)]),
    ("وثار سجال حول تفجير مبنى قضى بسببه عشرات المدنيين في 17 آذار/ مارس، واتهم البعض طائرات التحالف",
     [("killed", 20, 99, True, "civilians", False, False)]),
    ("وأضاف أن قطعات الشرطة الاتحادية دمرت 8 عجلات مفخخة ومفرزة هاون وقتلت 24 إرهابياً ضمن المحور الجنوب الشرقي.",
     [("killed", 24, 24, False, "isis", False, False)]),
    ("وقال متحدث باسم قوات الرد السريع العراقية إن 250 عضوا في داعش قتلوا في الهرمات خلال الأيام الخمسة الماضية.",
     [("killed", 250, 250, False, "isis", False, True)]),
    ("وخرجت مئات الأسر من الهرمات و17 تموز وغيرها من الأحياء لتنضم إلى نحو 435 ألف شخص نزحوا من القطاع الغربي "
     "للموصل منذ بدأت القوات العراقية الهجوم في فبراير شباط",
     [("displaced", 200, 999, True, "civilians", False, True),
      ("displaced", 435000, 435000, False, "civilians", True, True)]),
    ("أصيب 12 مدنياً بجروح جراء القصف", [("wounded", 12, 12, False, "civilians", False, False)]),
    ("أعلن الجيش مقتل ثلاثة جنود عراقيين بانفجار عبوة", [("killed", 3, 3, False, "security_forces", False, False)]),
    ("أعدم التنظيم 15 شخصاً في ساحة عامة", [("killed", 15, 15, False, "civilians", False, False)]),
    ("قتل قناص طفلا في حي الزنجيلي", [("killed", 1, 1, False, "civilians", False, False)]),
    ("أكدت المصادر مقتل ١٧ مدنياً بقصف", [("killed", 17, 17, False, "civilians", False, False)]),
    ("سقط 30 بين قتيل وجريح في التفجير", [("casualties", 30, 30, False, "unknown", False, False)]),
    ("سقط بين 20 و30 قتيلا من المدنيين", [("killed", 20, 30, False, "civilians", False, False)]),
    ("قتل 5 من عناصر الشرطة وأصيب 10 آخرون", [("killed", 5, 5, False, "security_forces", False, False),
                                             ("wounded", 10, 10, False, "security_forces", False, False)]),
    ("أسفر الهجوم عن مقتل جنديين", [("killed", 2, 2, False, "security_forces", False, False)]),
    ("نزحت 300 عائلة من حي المأمون", [("displaced", 300, 300, False, "civilians", False, False)]),
    ("استشهد ثلاثة عشر مدنيا حتى الآن", [("killed", 13, 13, False, "civilians", False, True)]),
    ("قتل حوالي مئة وخمسين مسلحا من داعش", [("killed", 150, 150, False, "isis", True, False)]),
    ("قتل 5 مدنيين في قصف الأسبوع الماضي", [("killed", 5, 5, False, "civilians", False, False)]),
    ("سقط أقل من 10 قتلى في الهجوم", [("killed", 1, 10, False, "unknown", False, False)]),
    ("قتل 4 أشخاص بينما أصيب 11 آخرون", [("killed", 4, 4, False, "civilians", False, False),
                                         ("wounded", 11, 11, False, "civilians", False, False)]),
    ("أكثر من 100 قتيل في يوم واحد", [("killed", 100, None, False, "unknown", False, False)]),
    ("قتلت امرأة وأصيب طفلان بنيران قناص", [("killed", 1, 1, False, "civilians", False, False),
                                            ("wounded", 2, 2, False, "civilians", False, False)]),
    ("ارتفع عدد القتلى إلى 12 شخصا", [("killed", 12, 12, False, "civilians", False, False)]),
    ("قتل 2000 شخص في المعارك", [("killed", 2000, 2000, False, "civilians", False, False)]),
    ("قتل 4 مدنيين و6 من مسلحي داعش", [("killed", 4, 4, False, "civilians", False, False),
                                     ("killed", 6, 6, False, "isis", False, False)]),
]


@pytest.mark.parametrize("text, expected", FIGURE_TABLE, ids=[t[:40] for t, _ in FIGURE_TABLE])
def test_figures_of_a_sentence(text, expected):
    assert [summary(f) for f in figures_in(text)] == expected


@pytest.mark.parametrize("text", [
    "أكد أن طيران التحالف الدولي نفّذ 30 غارة جوية على الموصل",
    "دمرت 8 عجلات مفخخة ومفرزة هاون",
    "خلال أول خمس أو عشر دقائق تقدمت 500 متر.",
    "ويشارك في معركة الموصل 100 ألف جندي عراقي وأعضاء من قوات الأمن الكردية",
    "وقال أبو قحطان (63 عاما) وهو أحد وجهاء المنطقة",
    "ويظهر الفيديو الذي يعود تاريخه إلى 29 آذار/ مارس الماضي عناصر داعش",
    "أكبر عملية برية في العراق منذ الغزو الذي قادته أميركا في 2003",
    "تقدمت قطعات اللواء 9 والفرقة 16 نحو المطار",
    "تم توزيعهم على ثلاثة مراكز طبية",
    "فإنّ ثلاث عائلات أخرى في حي الكرمة ما زالت تحت الأنقاض",
    "ويفرض عقوبات تصل إلى حد القتل، لكل من يتم ضبطه",
    "أن يكون داعش وراء مقتل المدنيين",
    "وما زال حتى الآن مئات آلاف من الأشخاص محاصرين في الجانب الغربي",
    "قتل 30 في المئة من السكان",
    "خرجت 20 آلية عسكرية من المعسكر",
    "نزح 300 جندي من المواقع",
    "وصلت القوات في الساعة 10 صباحا",
    "شارك 500 مقاتل في العملية التي قتل فيها قائدهم",
    "خرج 200 مقاتل من داعش باتجاه الساحل الأيمن",
    "قتلى القصف في 17 آذار",
    "تعرضت المدينة لمقتل قادة التنظيم منذ 2014",
])
def test_number_without_a_casualty_cue_is_no_figure(text):
    assert figures_in(text) == []


def test_subset_after_bainahum_is_not_a_separate_figure():
    lows = [f.low for f in figures_in("قتل 23 مدنياً، بينهم 8 أطفال")]
    assert lows == [23]


def test_figure_span_covers_number_and_cue_in_article_offsets():
    article = "مقدمة الخبر. وأكد المصدر أن 23 مدنياً قتلوا في القصف."
    start = article.index("وأكد")
    [figure] = figures_in(article, start=start, end=len(article))
    assert article[figure.span.start:figure.span.end] == figure.span.text == "23 مدنياً قتلوا"


def test_approximate_qualifier_is_inside_the_span():
    [figure] = figures_in("أكدت الأمم المتحدة أن نحو 435 ألف شخص نزحوا")
    assert figure.span.text == "نحو 435 ألف شخص نزحوا"


def test_text_outside_the_bounds_is_not_read():
    text = "قتل 5 مدنيين. وصل الوفد إلى المدينة."
    assert figures_in(text, start=text.index("وصل")) == []


def test_empty_sentence_has_no_figures():
    assert figures_in("") == []


def test_lexicon_without_windows_names_the_file(tmp_path):
    for name in ("clitics.yaml", "numbers.yaml"):
        (tmp_path / name).write_text((LEXICON_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "casualties.yaml").write_text("cues: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="casualties.yaml"):
        load_casualty_lexicon(tmp_path)


def test_a_clause_mark_of_more_than_one_character_names_the_file(tmp_path):
    for name in ("clitics.yaml", "numbers.yaml"):
        (tmp_path / name).write_text((LEXICON_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    data = (LEXICON_DIR / "casualties.yaml").read_text(encoding="utf-8")
    (tmp_path / "casualties.yaml").write_text(re.sub(r"(?m)^clause_marks: .*$", 'clause_marks: ["،", "--"]', data),
                                              encoding="utf-8")
    with pytest.raises(DataFileError, match="casualties.yaml"):
        load_casualty_lexicon(tmp_path)


ARTICLE_SENTENCES = ["قتل 5 مدنيين وأصيب 12 آخرون بقصف على الحي.", "ونزحت 300 عائلة من القرية،",
                     "بينما قتل قناص طفلاً في السوق!", "وأصيب جنديان (بينهم ضابط) بانفجار عبوة.",
                     "وارتفع عدد القتلى إلى 12 شخصا"]


def test_a_sentence_read_in_its_article_has_the_figures_it_has_alone():
    lexicon = load_casualty_lexicon(LEXICON_DIR)
    text = "\n".join(ARTICLE_SENTENCES)
    doc = document_for(text, lexicon.numbers.matcher, *lexicon.matchers.values())
    for sentence in ARTICLE_SENTENCES:
        start = text.index(sentence)
        alone = [replace(f, span=f.span._replace(start=f.span.start + start, end=f.span.end + start))
                 for f in extract_figures(sentence, lexicon)]
        assert alone and extract_figures(text, lexicon, start=start, end=start + len(sentence), doc=doc) == alone


def test_a_stretch_whose_edges_cut_a_word_is_read_on_its_own():
    text = "وقتل 5 مدنيين بقصف"
    [fig] = figures_in(text, start=1)
    assert (fig.kind, fig.low, fig.span.start) == ("killed", 5, 1)


def test_a_sentence_without_a_casualty_word_has_no_figures():
    assert figures_in("وصل 300 شخص و5 حافلات إلى المخيم في 2017") == []


# Forms of real reporting, in fixtures of our own: (sentence, [(kind, low, high)]).
REPORTING_FORMS = [
    # a cue word after the people noun
    ("خلّفت الغارة 45 شخصاً ما بين قتيل ومصاب", [("casualties", 45, 45)]),
    # totals stated as predicates
    ("أما الفارون الذين بلغ عددهم 90 ألفاً فقد وصلوا إلى المخيمات", [("displaced", 90000, 90000)]),
    ("وقالت المنظمة إن عدد النازحين منذ انطلاق العمليات يبلغ 52310 أشخاص", [("displaced", 52310, 52310)]),
    ("بلغ عدد الهاربين من القرى المحيطة بالمدينة، بين 8 و10 آلاف شخص", [("displaced", 8000, 10000)]),
    ("نحو 600 ألف لا يزالون نازحين في المخيمات", [("displaced", 600000, 600000)]),
    # asides between the number and its verb
    ("إن 9 من رجال الشرطة، بينهم ضابطان، قتلوا في الكمين", [("killed", 9, 9)]),
    ("إن ثلاث عائلات، مؤلفة من 17 شخصاً، قتلوا تحت الأنقاض", [("killed", 17, 17)]),
    # a people count in parentheses takes its sentence's cue
    ("وفرّ المدنيون من القرى الشرقية (4100 شخص) باتجاه المخيم", [("displaced", 4100, 4100)]),
    # victim nouns defer to a killing verb
    ("سقط 14 ضحية أعدمهم التنظيم رمياً بالرصاص", [("killed", 14, 14)]),
    ("أكدت المصادر أن 40 من هؤلاء الضحايا قتلوا ذبحاً", [("killed", 40, 40)]),
    ("سقط 14 ضحية في التفجير", [("casualties", 14, 14)]),
    # construct duals and glued digits
    ("نزحت ألفي عائلة خلال الليل", [("displaced", 2000, 2000)]),
    ("استقبل المخيم مئتي نازح", [("displaced", 200, 200)]),
    ("قتل 12مدنياً في القصف", [("killed", 12, 12)]),
    # duals with their number word, dual verbs, bodies of two, two victims joined by "and"
    ("إن شابين اثنين قتلا برصاص قناص", [("killed", 2, 2)]),
    ("إن امرأة وطفلها قتلا بسقوط قذيفة", [("killed", 2, 2)]),
    ("عثرت القوات على جثتي مزارعين قتلا في الحقل", [("killed", 2, 2)]),
    ("أسفرت الغارة عن مقتل قيادي في التنظيم وسائقه", [("killed", 2, 2)]),
    # one person joined by "and" to a counted group is one more victim, before the number or after its noun
    ("استشهد ضابط و4 من منتسبي الشرطة بالهجوم", [("killed", 4, 4), ("killed", 1, 1)]),
    ("أصيب 6 مدنيين وطفل بقذيفة هاون", [("wounded", 6, 6), ("wounded", 1, 1)]),
    # one person by a singular casualty noun; "one killed, N others wounded"
    ("وسقط أحد المسعفين بعد ظهر اليوم قتيلاً", [("killed", 1, 1)]),
    ("إن شرطياً قُتل وأصيب ثلاثة آخرون بانفجار عبوة", [("killed", 1, 1), ("wounded", 3, 3)]),
    ("إن طفلاً قتل وأصيب آخران بقذيفة", [("killed", 1, 1), ("wounded", 2, 2)]),
    # a number behind a preposition's noun still counts; remains in a mass grave are the killed
    ("قتل 6 وأصيب 19 بقذائف هاون", [("killed", 6, 6), ("wounded", 19, 19)]),
    ("عثر على مقبرة جماعية تضم رفات 70 شخصاً", [("killed", 70, 70)]),
    # the wounding verb wins over a reception word
    ("استقبل مستشفى الحمدانية 35 شخصاً أصيبوا بحالات اختناق", [("wounded", 35, 35)]),
    # a part of victims already counted is no new figure without its own verb
    ("وأوضح أن 20 من القتلى كانوا من النساء", []),
    # dotted numbers: thousands or a date, never an error
    ("نزح 1.200.000 شخص منذ بدء الحرب", [("displaced", 1200000, 1200000)]),
    ("الموصل 5.3.2017 قتل 4 مدنيين بقصف", [("killed", 4, 4)]),
]


@pytest.mark.parametrize("text, expected", REPORTING_FORMS, ids=[t[:40] for t, _ in REPORTING_FORMS])
def test_figures_in_forms_of_real_reporting(text, expected):
    assert [(f.kind, f.low, f.high) for f in figures_in(text)] == expected


@pytest.mark.parametrize("text", [
    "من المتوقع أن ينزح 150 ألف شخص إذا اشتد القتال",
    "قد يفر نحو مليون شخص من المدينة",
    "وحذرت المنظمة من أن القتال قد يقتل مئات المدنيين",
    "قتل بتفجير انتحاري في السوق",
    "أعدم التنظيم كل شخص حاول الهرب",
    "قتلت 3 عائلات في القصف",
])
def test_forecasts_adjectives_quantifiers_and_households_are_no_toll(text):
    assert figures_in(text) == []


def test_may_before_a_past_verb_is_no_forecast():
    assert [(f.kind, f.low) for f in figures_in("وقد قتل 8 مدنيين في القصف")] == [("killed", 8)]


def test_households_displaced_keep_the_unit_families():
    [fig] = figures_in("نزحت 450عائلة من القرية")
    assert (fig.kind, fig.low, fig.unit) == ("displaced", 450, "families")


def test_people_a_household_count_is_made_of_are_counted_as_people():
    [fig] = figures_in("فرت 6 عائلات، مكونة من 40 شخصاً، من الحي")
    assert (fig.kind, fig.low, fig.unit) == ("displaced", 40, "people")


def test_a_suicide_bomber_adjective_names_no_victims():
    [fig] = figures_in("قتل 7 أشخاص بتفجير انتحاري")
    assert fig.victims == "civilians"


def test_each_figure_names_the_rule_that_read_it():
    rules = [f.rule for f in figures_in("قتل 5 مدنيين وأصيب 30 آخرون")]
    assert rules == ["verb_before_number", "verb_before_number"]


def lead_and_details(lead_text, *detail_texts):
    return figures_in(lead_text), [f for t in detail_texts for f in figures_in(t)]


def test_a_lead_total_that_sums_the_detailed_tolls_is_no_figure_of_its_own():
    lead, details = lead_and_details("قتل 19 مدنيا بغارتين على المدينة", "قتل 11 مدنيا في الغارة الأولى",
                                     "وقتل 8 في الغارة الثانية")
    assert summary_figures(lead, details) == set(lead)


def test_an_approximate_lead_that_rounds_its_details_is_no_figure_of_its_own():
    lead, details = lead_and_details("قتل وأصيب نحو ثلاثين مدنيا بالقصف", "قتل 9 مدنيين", "وأصيب 20 آخرون")
    assert summary_figures(lead, details) == set(lead)


def test_a_lead_figure_inside_a_detailed_range_is_no_figure_of_its_own():
    lead, details = lead_and_details("قتل نحو 600 مسلح منذ بدء الهجوم", "قدر المسؤول مقتل 500 إلى 600 مسلح منذ بدء الهجوم")
    assert summary_figures(lead, details) == set(lead)


def test_a_lead_figure_no_detail_sums_up_stays():
    lead, details = lead_and_details("قتل 19 مدنيا بغارتين على المدينة", "قتل 11 مدنيا في الغارة الأولى")
    assert summary_figures(lead, details) == set()


def test_each_number_of_a_sentence_is_explained():
    from pipeline.extraction.casualties import explain_numbers
    notes = explain_numbers("قتل 5 مدنيين بينهم 3 أطفال ونفذت الطائرات 30 غارة", load_casualty_lexicon(LEXICON_DIR))
    assert notes["5"].startswith("killed by verb_before_number")
    assert notes["3"].startswith("a part of a figure") and notes["30"].startswith("counts things")
