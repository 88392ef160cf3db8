import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from waypoint.core import helplines


def test_it_gives_the_us_lines_in_each_language():
    english = helplines.helplines_for("en")
    spanish = helplines.helplines_for("es")
    assert english.emergency_number == "911"
    assert [line.id for line in english.lines] == ["samhsa", "988", "crisis-text-line"]
    samhsa = english.by_id("samhsa")
    assert samhsa is not None
    assert samhsa.number == "1-800-662-4357"
    assert samhsa.tel == "+18006624357"
    assert samhsa.tty == "1-800-487-4889"
    assert spanish.by_id("samhsa").name == "Línea Nacional de Ayuda de SAMHSA"


def test_it_falls_back_to_english_for_other_languages():
    assert helplines.helplines_for("fr").by_id("samhsa").name == "SAMHSA National Helpline"


def test_it_reads_an_operators_own_file(tmp_path):
    path = tmp_path / "ie.yaml"
    path.write_text(
        "region: ie\nemergency: {number: '112'}\nlines:\n  - id: drugs\n    name: {en: HSE Drugs Helpline}\n    number: '1800 459 459'\n    tel: '+353800459459'\n",
        encoding="utf-8",
    )
    helplines._load.cache_clear()
    with override_settings(HELPLINES_FILE=str(path)):
        lines = helplines.helplines_for("en")
    assert lines.emergency_number == "112"
    assert lines.lines[0].name == "HSE Drugs Helpline"


@pytest.mark.parametrize(
    "content",
    ["not: [valid", "region: x\nlines: []\n", "region: x\nemergency: {number: '1'}\nlines:\n  - name: nameless\n"],
)
def test_it_refuses_a_broken_file_with_its_name(tmp_path, content):
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    helplines._load.cache_clear()
    with override_settings(HELPLINES_FILE=str(path)), pytest.raises(ImproperlyConfigured, match=r"broken\.yaml"):
        helplines.helplines_for("en")


@override_settings(WAYPOINT_REGION="atlantis", HELPLINES_FILE="")
def test_it_refuses_an_unknown_region():
    with pytest.raises(ImproperlyConfigured, match="atlantis"):
        helplines.helplines_for("en")
