"""Deterministic profile understanding from free text (issue #4, item 1)."""

from __future__ import annotations

import pytest

from curriculum.errors import InputError
from curriculum.generation.profile_extraction import extract_profile, read_document

CV_FR = """Camille, mécanicienne automobile depuis 12 ans en concession.
J'utilise au quotidien des équipements de diagnostic automobile. Initiation à l'hydraulique en 2019.
Je sais réparer les systèmes électriques d'un véhicule. Titulaire de l'habilitation électrique B1VL et BR.
Formation IRVE prévue."""


def test_french_cv_gives_skills_levels_evidence_and_certifications(workspace):
    out = extract_profile(CV_FR, workspace.catalogue.taxonomy, "fr")
    by_label = {s.label: s for s in out.skills}
    diag = by_label["équipements de diagnostic automobile"]
    assert diag.skill.endswith("187f82c7-b165-4e6b-b327-704e38e85cdd") and "diagnostic" in diag.evidence
    assert by_label["hydraulique"].level == 1  # "Initiation à ..."
    assert by_label["réparer les systèmes électriques d'un véhicule"].confidence == 1.0
    assert {"B1VL", "BR", "IRVE"} <= set(out.certifications)


def test_english_text_and_no_false_certifications(workspace):
    out = extract_profile("Ten years of experience: troubleshoot hydraulics and pneumatics. BS degree.",
                          workspace.catalogue.taxonomy, "en")
    labels = {s.label for s in out.skills}
    assert {"troubleshoot", "hydraulics", "pneumatics"} <= labels
    assert "BS" not in out.certifications


def test_documents(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Soudeur TIG, habilitation B0.")
    path = tmp_path / "cv.docx"
    d.save(path)
    assert "Soudeur TIG" in read_document(path)
    (tmp_path / "cv.odt").write_bytes(b"x")
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "cv.odt")
    assert "cv.odt" in str(err.value)
    with pytest.raises(InputError):
        read_document(tmp_path / "broken.pdf", data=b"%PDF-1.4 garbage")
