"""setup.load_builtin: the code table always, the demo set only into an empty directory."""

from __future__ import annotations

import io

import pytest

from waypoint.directory.codes import canonical_code, code_table
from waypoint.directory.models import Facility, ServiceCode
from waypoint.directory.setup import load_builtin

from .factories import FacilityFactory

pytestmark = pytest.mark.django_db

# Every code that docs/data-formats.md names (old codes and newer site keys).
DOCUMENTED = [
    "SA",
    "DT",
    "HH",
    "SUMH",
    "MH",
    "HI",
    "OP",
    "RES",
    "HID",
    "HIT",
    "OD",
    "ODT",
    "OIT",
    "IOP",
    "ORT",
    "OMB",
    "RD",
    "RL",
    "RS",
    "CT",
    "TELE",
    "MU",
    "METH",
    "BU",
    "NU",
    "OTP",
    "MM",
    "DM",
    "BUM",
    "DB",
    "UB",
    "UN",
    "VTRL",
    "BWN",
    "BWON",
    "BERI",
    "MOA",
    "NMOA",
    "MD",
    "MC",
    "PI",
    "SF",
    "CASH",
    "MI",
    "TRICARE",
    "SI",
    "NP",
    "ITU",
    "PA",
    "SS",
    "AD",
    "ADOL",
    "TAY",
    "YA",
    "WN",
    "PW",
    "MN",
    "SE",
    "SEN",
    "GL",
    "VET",
    "ADM",
    "MF",
    "CJ",
    "CO",
    "HV",
    "HIV",
    "XA",
    "DV",
    "TRMA",
    "ACC",
    "DP",
    "NOE",
    "PEER",
    "RC",
    "HS",
    "TA",
    "CCC",
    "BC",
    "SP",
    "AH",
    "ASL",
    "F4",
    "F17",
    "F28",
    "F47",
    "F70",
    "F81",
    "F92",
    "CHLD",
    "CH_AD",
    "YAD",
    "ADLT",
    "SNR",
    "FEM",
    "MALE",
    "SSA",
]


def test_the_code_table_covers_every_documented_code_in_both_languages() -> None:
    assert [code for code in DOCUMENTED if canonical_code(code) is None] == []
    assert all(info.label_en and info.label_es and info.vintage for info in code_table().values())


def test_it_loads_codes_and_demo_data_once() -> None:
    load_builtin(stdout=io.StringIO())
    load_builtin(stdout=io.StringIO())
    assert ServiceCode.objects.count() == len(code_table())
    assert Facility.objects.count() == 40
    assert Facility.objects.filter(is_demo=False).count() == 0
    assert Facility.objects.filter(codes__contains=" MU ").exists()
    assert Facility.objects.filter(phone="").exists()


def test_it_adds_no_demo_data_to_a_real_directory() -> None:
    FacilityFactory()
    load_builtin(stdout=io.StringIO())
    assert Facility.objects.count() == 1
