"""Definition files are checked when loaded, with errors naming file, item and field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from waypoint.screening.engine import INSTRUMENTS_DIR, PUBLISHED, DefinitionError, load_file, parse_definition


def _cows() -> dict:
    return yaml.safe_load((INSTRUMENTS_DIR / "cows.yaml").read_text(encoding="utf-8"))


def _fails(data: dict, *fragments: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data, source="cows.yaml", expected_id="cows")
    message = str(caught.value)
    assert message.startswith("cows.yaml: ")
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("instrument_id", PUBLISHED)
def test_it_loads_every_published_definition_with_both_languages(instrument_id):
    definition = load_file(INSTRUMENTS_DIR / f"{instrument_id}.yaml")
    assert definition.id == instrument_id
    assert definition.source
    assert definition.licence
    for item in definition.items:
        assert item.text["en"]
        assert item.text["es"]
        assert all(option.label["es"] for option in item.options)


def test_it_names_the_item_and_field_of_a_missing_spanish_text():
    data = _cows()
    del data["items"][10]["text"]["es"]
    _fails(data, "item 11 (gooseflesh)", "field 'text'", "'es'")


def test_it_refuses_a_repeated_answer_value():
    data = _cows()
    data["items"][0]["options"][1]["value"] = 0
    _fails(data, "item 1 (pulse), option 2", "field 'value' repeats 0")


def test_it_refuses_non_integer_scores_in_a_summed_instrument():
    data = _cows()
    data["items"][2]["options"][0]["value"] = "zero"
    _fails(data, "item 3 (restlessness), option 1", "integer score")


def test_it_refuses_bands_with_a_gap():
    data = _cows()
    data["bands"][1]["min"] = 6
    _fails(data, "band mild", "field 'min' must be 5")


def test_it_refuses_bands_that_stop_short_of_the_range():
    data = _cows()
    data["bands"][-1]["max"] = 47
    _fails(data, "band severe", "field 'max' must be 48")


def test_it_refuses_a_declared_range_the_items_cannot_make():
    data = _cows()
    data["scoring"]["range"] = [0, 47]
    _fails(data, "scoring", "[0, 48]")


def test_it_refuses_an_unknown_scoring_method():
    data = _cows()
    data["scoring"]["method"] = "average"
    _fails(data, "scoring", "field 'method'")


def test_it_refuses_an_exclusion_naming_an_unknown_item():
    data = _cows()
    data["scoring"]["exclude"] = [
        {"when": {"item": "pulse", "values": [4]}, "items": ["nope"], "reason": {"en": "x", "es": "x"}}
    ]
    _fails(data, "scoring exclusion 1", "field 'items'")


def test_it_refuses_crisis_values_that_are_not_answers():
    data = _cows()
    data["items"][0]["crisis_values"] = [9]
    data["items"][0]["crisis_kind"] = "overdose"
    _fails(data, "item 1 (pulse)", "crisis_values")


def test_it_refuses_a_bad_item_key_and_a_repeated_key():
    data = _cows()
    data["items"][0]["key"] = "Pulse Rate"
    _fails(data, "item 1", "field 'key'")
    data = _cows()
    data["items"][1]["key"] = "pulse"
    _fails(data, "item 2 (pulse)", "repeats")


def test_it_refuses_a_file_whose_id_does_not_match_its_name():
    data = _cows()
    data["id"] = "cows-2"
    _fails(data, "field 'id'")


def test_it_refuses_an_unknown_option_set():
    data = copy.deepcopy(_cows())
    data["items"][0]["options"] = "likert"
    _fails(data, "item 1 (pulse)", "unknown option set 'likert'")


def test_it_reports_unreadable_yaml_with_the_file_name(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^broken\.yaml: cannot be read"):
        load_file(path)


def test_it_refuses_an_unknown_field_instead_of_ignoring_it():
    # A misspelt `crisis_values` would otherwise silently stop showing crisis help.
    data = _cows()
    data["items"][0]["crisis_valeus"] = [4]
    _fails(data, "item 1 (pulse)", "field 'crisis_valeus' is not a known field")


def test_it_names_a_wrongly_typed_band_limit():
    data = _cows()
    data["bands"][0]["max"] = "four"
    _fails(data, "band 1", "field 'max'")


def test_it_accepts_a_version_written_as_a_number_and_a_one_string_citation():
    data = _cows()
    data["version"] = 2.0
    data["licence"] = "Public domain"
    definition = parse_definition(data, source="cows.yaml", expected_id="cows")
    assert definition.version == "2.0"
    assert definition.licence == {"en": "Public domain", "es": "Public domain"}
