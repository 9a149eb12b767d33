"""The public API changes only on purpose (style: encode/httpx tests/test_exported_members.py)."""

import curriculum


def test_exported_members():
    assert sorted(curriculum.__all__) == sorted([
        "CurriculumError", "GenerationError", "InputError", "Job", "KnowledgeBaseError", "LearnerProfile",
        "LearningPath", "Module", "PlanningError", "RetrievalError", "Settings", "Step", "Workspace",
        "load_learner", "parse_learner"])
    for name in curriculum.__all__:
        assert getattr(curriculum, name) is not None


def test_package_never_imports_streamlit():
    import pathlib

    root = pathlib.Path(curriculum.__file__).parent
    offenders = [p.name for p in root.rglob("*.py") if "import streamlit" in p.read_text(encoding="utf-8")]
    assert offenders == []
