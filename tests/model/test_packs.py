"""Standards as data: every shipped pack loads, every rule is cited and has a known evaluator kind,
and a bad rule is reported with its file and line."""
import json
import re

import pytest

from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.rules import KINDS, RulePackError, load_pack, load_packs, pack_paths
from lifecircle_desktop.model.resources import STANDARDS
from tests.conftest import SHARED
from tests.helpers import ROOT

PACKS = ["national_complete_community_2021", "shanghai_community_service_2022",
         "shanghai_complete_community_2025", "gb50180_2018_life_circle"]


def test_every_evaluator_kind_is_documented():
    doc = (ROOT / "docs" / "standards-format.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"| `{kind}` |" in doc, f"{kind} has no row in docs/standards-format.md"


def test_all_packs_load_with_citation_and_evaluator_kind():
    packs = load_packs()
    assert sorted(p.id for p in packs) == sorted(PACKS)
    catalogue = load_catalogue()
    for pack in packs:
        assert pack.rules, pack.id
        for rule in pack.rules:
            assert rule.kind in KINDS
            assert rule.citation["document"] and rule.citation["clause"] and rule.citation["text"], rule.id
            assert rule.severity in ("required", "recommended", "informative")
            assert all(t in catalogue for t in rule.facility_types), rule.id
            if rule.kind != "manual":
                assert any(rule.for_kind(k) for k in ("new_build", "existing")), rule.id


def test_every_kind_is_used_and_ids_unique():
    rules = [r for p in load_packs() for r in p.rules]
    assert {r.kind for r in rules} == set(KINDS)
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))


def test_every_catalogued_standard_is_encoded_or_its_omission_explained():
    catalogued = {r["id"] for r in json.loads((SHARED / "reference" / "standards.json").read_text())}
    refs = {r.citation.get("ref") for p in load_packs() for r in p.rules}
    texts = "".join(p.read_text(encoding="utf-8") for p in pack_paths())
    for rid in catalogued - refs:
        # Omissions are listed with a reason in a comment at the top of a pack.
        assert re.search(rf"#.*\b{re.escape(rid)}\b", texts), f"{rid} neither encoded nor explained"
    assert len(catalogued & refs) >= 100


def test_required_facility_types_exist():
    catalogue = load_catalogue()
    for code in ["community_service_station", "kindergarten", "nursery", "elderly_service_station", "elderly_day_care",
                 "health_station", "supermarket", "convenience_store", "express_station", "waste_station",
                 "public_toilet", "activity_ground", "sports_field", "community_park", "pocket_park",
                 "property_office", "bus_stop", "metro_station", "primary_school"]:
        t = catalogue[code]
        assert t.name_zh and t.name_en and re.fullmatch(r"#[0-9a-fA-F]{6}", t.colour)


BAD_RULES = {
    "unknown kind": ('kind = "presence"', 'kind = "vibes"'),
    "citation": ('citation.text = ', 'citation.notes = '),
    "unknown facility type": ('"kindergarten"', '"kindergarden"'),
}


@pytest.mark.parametrize("problem", list(BAD_RULES))
def test_bad_rule_reports_file_and_line(problem, tmp_path):
    src = (STANDARDS / "national_complete_community_2021.toml").read_text(encoding="utf-8")
    old, new = BAD_RULES[problem]
    pos = src.index(old)
    broken = src[:pos] + new + src[pos + len(old):]
    rule_line = src[:pos].count("\n")  # the [[rule]] header is the last one before the change
    header_line = max(i + 1 for i, line in enumerate(src.splitlines()[:rule_line + 1]) if line.startswith("[[rule]]"))
    path = tmp_path / "national_complete_community_2021.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RulePackError) as err:
        load_pack(path)
    assert f"national_complete_community_2021.toml:{header_line}:" in err.value.message_en
    assert problem in err.value.message_en


def test_toml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[pack]\nid = "x"\n\n[[rule]]\nid = "a\n', encoding="utf-8")
    with pytest.raises(RulePackError, match="line 5"):
        load_pack(path)


def test_packs_are_parsed_once_and_again_when_the_file_changes(tmp_path):
    import os
    import shutil
    for p in pack_paths():
        shutil.copy(p, tmp_path / p.name)
    first, second = load_packs(directory=tmp_path), load_packs(directory=tmp_path)
    assert all(a is b for a, b in zip(first, second))
    path = tmp_path / "gb50180_2018_life_circle.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"Urban residential area planning', '"Edited Urban residential area planning', 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    edited = {p.id: p for p in load_packs(directory=tmp_path)}["gb50180_2018_life_circle"]
    assert edited.name_en.startswith("Edited ")


RULE_HEAD = ('[pack]\nid = "p"\n\n[[rule]]\nid = "r"\nname_zh = "规则"\nname_en = "Rule"\n'
             'citation = { document = "d", clause = "c", text = "应" }\nmodal = "应"\nconfidence = "high"\n')
KG = 'params = { types = ["kindergarten"] }\n'
BAD_BODIES = {
    "missing 'severity'": 'kind = "presence"\n' + KG + "threshold.existing = { min = 1 }",
    "unknown severity 'must'": 'kind = "presence"\nseverity = "must"\n' + KG + "threshold.existing = { min = 1 }",
    "disagrees with the source's word '应'": 'kind = "presence"\nseverity = "recommended"\n' + KG
                                            + "threshold.existing = { min = 1 }",
    "presence needs params.types": 'kind = "presence"\nseverity = "required"\nthreshold.existing = { min = 1 }',
    "facility_area needs params.facility_type": 'kind = "facility_area"\nseverity = "required"\n'
                                                'params = { measure = "floor_area" }\nthreshold.existing = { min = 1 }',
    "facility_area measure must be one of": 'kind = "facility_area"\nseverity = "required"\n'
                                            'params = { facility_type = "kindergarten", measure = "volume" }\n'
                                            'threshold.existing = { min = 1 }',
    "require must be one of each, any, total": 'kind = "facility_area"\nseverity = "required"\n'
                                       'params = { facility_type = "kindergarten", measure = "floor_area", '
                                       'require = "most" }\nthreshold.existing = { min = 1 }',
    "ratio needs params.denominator.measure": 'kind = "ratio"\nseverity = "required"\n'
                                              'params.numerator = { measure = "beds", types = ["kindergarten"] }\n'
                                              'threshold.existing = { min = 1 }',
    "unknown measure 'beds' on residential": 'kind = "ratio"\nseverity = "required"\n'
                                             'params = { numerator = { measure = "beds", types = ["kindergarten"] }, '
                                             'denominator = { measure = "beds" } }\nthreshold.existing = { min = 1 }',
    "walk_coverage needs params.facility_types": 'kind = "walk_coverage"\nseverity = "required"\n'
                                                 'params = { limit_m = 300 }\nthreshold.existing = { min = 100 }',
    "walk_coverage needs limit_m or limit_min": 'kind = "walk_coverage"\nseverity = "required"\n'
                                                'params = { facility_types = ["kindergarten"] }\n'
                                                'threshold.existing = { min = 100 }',
    "unknown walking profile 'runner'": 'kind = "walk_coverage"\nseverity = "required"\n'
                                        'params = { facility_types = ["kindergarten"], limit_min = 5, '
                                        'profile = "runner" }\nthreshold.existing = { min = 100 }',
    "scale measure must be one of": 'kind = "scale"\nseverity = "required"\nparams = { measure = "density" }\n'
                                    'threshold.existing = { min = 1 }',
    "manual needs params.question_zh and question_en": 'kind = "manual"\nseverity = "required"\n'
                                                       'params = { question_zh = "有吗？" }',
    "no threshold for any community kind": 'kind = "presence"\nseverity = "required"\n' + KG,
    "unknown community kind 'old' in threshold": 'kind = "presence"\nseverity = "required"\n' + KG
                                                 + "threshold.old = { min = 1 }",
    "threshold.existing needs min or max": 'kind = "presence"\nseverity = "required"\n' + KG
                                           + "threshold.existing = { at_least = 1 }",
}


@pytest.mark.parametrize("problem", list(BAD_BODIES))
def test_each_problem_of_a_rule_is_named_with_the_rule_line(problem):
    with pytest.raises(RulePackError) as err:
        load_pack("district.toml", text=RULE_HEAD + BAD_BODIES[problem])
    assert err.value.message_en.startswith("district.toml:4: rule r: ")
    assert problem in err.value.message_en


def test_a_duplicate_rule_id_and_a_pack_without_id_are_refused():
    rule = (RULE_HEAD.split("\n\n", 1)[1] + 'kind = "presence"\nseverity = "required"\n' + KG
            + "threshold.existing = { min = 1 }\n\n")  # 12 lines: the second [[rule]] is line 16
    with pytest.raises(RulePackError, match=r"district.toml:16: rule r: duplicate rule id"):
        load_pack("district.toml", text='[pack]\nid = "p"\n\n' + rule + rule)
    with pytest.raises(RulePackError, match=r"\[pack\] has no id"):
        load_pack("district.toml", text="[pack]\n\n" + rule)
