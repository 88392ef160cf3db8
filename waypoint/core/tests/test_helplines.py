import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from waypoint.core import helplines

# The US lines written in the opposite order, as an operator's own file might be: pages
# must still find each line by its role.
REORDERED = """\
region: us-reordered
emergency: {number: "911", tel: "911"}
lines:
  - {id: poison-help, role: poison, name: {en: Poison Help}, number: "1-800-222-1222", tel: "+18002221222"}
  - {id: crisis-text-line, role: text, name: {en: Crisis Text Line}, number: "741741", sms: "741741"}
  - {id: "988", role: crisis, name: {en: 988 Lifeline}, number: "988", tel: "988"}
  - {id: samhsa, role: treatment_referral, name: {en: SAMHSA}, number: "1-800-662-4357", tel: "+18006624357"}
"""


@pytest.fixture
def own_file(tmp_path):
    """Writes an operator's helplines file and points HELPLINES_FILE at it."""

    def write(content: str, name: str = "own.yaml"):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        helplines._load.cache_clear()
        return override_settings(HELPLINES_FILE=str(path))

    yield write
    helplines._load.cache_clear()


def test_it_gives_the_us_lines_in_each_language():
    english = helplines.helplines_for("en")
    spanish = helplines.helplines_for("es")
    assert english.emergency_number == "911"
    assert [line.id for line in english.lines] == ["samhsa", "988", "crisis-text-line", "poison-help"]
    samhsa = english.by_id("samhsa")
    assert samhsa is not None
    assert samhsa.number == "1-800-662-4357"
    assert samhsa.tel == "+18006624357"
    assert samhsa.tty == "1-800-487-4889"
    assert spanish.by_id("samhsa").name == "Línea Nacional de Ayuda de SAMHSA"


def test_it_names_each_us_line_by_its_role():
    lines = helplines.helplines_for("en")
    assert lines.crisis.number == "988"
    assert lines.treatment_referral.number == "1-800-662-4357"
    assert lines.by_role("text").sms == "741741"


def test_it_lists_poison_help_for_a_child_who_swallowed_medicine():
    for language in ("en", "es"):
        poison = helplines.helplines_for(language).poison
        assert poison is not None
        assert poison.number == "1-800-222-1222"
        assert poison.tel == "+18002221222"
    assert "methadone or buprenorphine" in helplines.helplines_for("en").poison.about
    assert "metadona o buprenorfina" in helplines.helplines_for("es").poison.about


def test_it_falls_back_to_english_for_other_languages():
    assert helplines.helplines_for("fr").by_id("samhsa").name == "SAMHSA National Helpline"


def test_it_finds_lines_by_role_whatever_order_the_operator_uses(own_file):
    with own_file(REORDERED):
        lines = helplines.helplines_for("en")
    assert lines.crisis.id == "988"
    assert lines.treatment_referral.id == "samhsa"
    assert lines.poison.id == "poison-help"
    assert lines.emergency_number == "911"
    # Pages that list every line still show the treatment helpline first.
    assert [line.id for line in lines.lines] == ["samhsa", "988", "crisis-text-line", "poison-help"]


def test_it_reads_an_operators_own_file(own_file):
    content = (
        "region: ie\nemergency: {number: '112'}\nlines:\n  - id: drugs\n    role: treatment_referral\n"
        "    name: {en: HSE Drugs Helpline}\n    number: '1800 459 459'\n    tel: '+353800459459'\n"
    )
    with own_file(content, "ie.yaml"):
        lines = helplines.helplines_for("en")
    assert lines.emergency_number == "112"
    assert lines.lines[0].name == "HSE Drugs Helpline"
    assert lines.treatment_referral.id == "drugs"
    # A region without a crisis line has none, rather than some other line in its place.
    assert lines.crisis is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  - {id: samhsa, name: {en: SAMHSA}, number: '1'}\n", r"line 1 \(samhsa\): field 'role' must be one of"),
        ("  - {id: samhsa, role: helpline, number: '1'}\n", r"line 1 \(samhsa\): field 'role' .*got 'helpline'"),
        ("  - {id: nine, role: emergency, number: '911'}\n", r"line 1 \(nine\): the emergency number goes under"),
        (
            "  - {id: a, role: crisis, number: '1'}\n  - {id: b, role: crisis, number: '2'}\n",
            r"line 2 \(b\): role 'crisis' is already used by line 'a'",
        ),
    ],
    ids=["missing", "unknown", "emergency-in-lines", "two-crisis-lines"],
)
def test_it_refuses_a_missing_unknown_or_repeated_role(own_file, line, message):
    content = f"region: x\nemergency: {{number: '911'}}\nlines:\n{line}"
    with own_file(content, "roles.yaml"), pytest.raises(ImproperlyConfigured, match=r"roles\.yaml: " + message):
        helplines.helplines_for("en")


def test_it_refuses_to_look_up_a_role_that_does_not_exist():
    with pytest.raises(ValueError, match="unknown helpline role"):
        helplines.helplines_for("en").by_role("helpline")


@pytest.mark.parametrize(
    "content",
    [
        "not: [valid",
        "region: x\nlines: []\n",
        "region: x\nemergency: {number: '1'}\nlines:\n  - name: nameless\n",
        "region: x\nemergency: {tel: '1'}\nlines: []\n",
    ],
)
def test_it_refuses_a_broken_file_with_its_name(own_file, content):
    with own_file(content, "broken.yaml"), pytest.raises(ImproperlyConfigured, match=r"broken\.yaml"):
        helplines.helplines_for("en")


@override_settings(WAYPOINT_REGION="atlantis", HELPLINES_FILE="")
def test_it_refuses_an_unknown_region():
    with pytest.raises(ImproperlyConfigured, match="atlantis"):
        helplines.helplines_for("en")


@pytest.mark.parametrize(
    ("language", "breathing", "samaritan"),
    [
        ("en", "Breathing matters most, not waking up.", "Every state now has a Good Samaritan law"),
        (
            "es",
            "Lo más importante es que respire, no que despierte.",
            "Hoy todos los estados tienen una ley del Buen Samaritano",
        ),
    ],
)
def test_it_shows_poison_help_and_the_new_overdose_advice_on_get_help_now(client, language, breathing, samaritan):
    html = client.get(f"/{language}/help/").content.decode()
    child = html.index('data-testid="child-swallowed"')
    assert 'href="tel:+18002221222"' in html[child:]
    assert breathing in html
    assert samaritan in html
    assert 'data-testid="drug-supply"' in html
    assert "Most states have Good Samaritan laws" not in html
